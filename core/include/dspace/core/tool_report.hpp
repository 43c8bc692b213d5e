// What `dspace setup` shows: every plugin, the external tools it needs, and whether they are here.
#pragma once

#include <dspace/core/plugin_host.hpp>
#include <dspace/sdk/host.hpp>

#include <string>
#include <vector>

namespace dspace {

//! One plugin object (or a plugin file that did not load) and the tools it found.
struct PluginToolReport {
    std::string kind;                  //!< flavour | migrator | snapshotter
    std::string name;                  //!< e.g. "postgres"
    PluginStatus status = PluginStatus::loaded; //!< loaded, or why the file was not
    bool shadowed = false;             //!< a later copy of an already-loaded plugin (not a problem)
    std::string reason;                //!< why it did not load, or why its probe failed
    std::string hint;                  //!< what to do about reason
    std::vector<sdk::ToolProbe> tools; //!< what probe() reported
};

//! Every plugin's tools, and the problems that make this machine unready.
struct ToolReport {
    std::vector<PluginToolReport> plugins; //!< flavours, then migrators, then snapshotters, then files that did not load
    std::vector<std::string> problems;     //!< each one a sentence; empty when dspace can create spaces

    //! True when a flavour is loaded, every flavour has its required tools, and every plugin file loaded.
    bool ready() const { return problems.empty(); }
};

//! Asks every loaded plugin to probe its tools (a plugin that throws is reported, not fatal).
//! Missing tools of migrators and snapshotters are shown but are not problems: only their users need them.
ToolReport probe_tools(PluginHost &plugins, sdk::Host &host);

//! The report as JSON: {"ready", "problems": [...], "plugins": [{kind, name, status, ..., "tools": [...]}]}.
std::string to_json(const ToolReport &report);

} // namespace dspace
