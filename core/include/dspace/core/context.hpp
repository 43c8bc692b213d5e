// Everything one dspace invocation works with: paths, configuration, logging, host services, plugins.
#pragma once

#include <dspace/core/config.hpp>
#include <dspace/core/host_services.hpp>
#include <dspace/core/log.hpp>
#include <dspace/core/paths.hpp>
#include <dspace/core/plugin_host.hpp>

#include <functional>
#include <memory>

namespace dspace {

//! Options that apply to every command.
struct GlobalOptions {
    Verbosity verbosity = Verbosity::normal;  //!< -q / -v
    PluginSearchOptions plugins;              //!< --plugin, --plugin-dir
};

//! Built once per invocation; commands reach the core through it.
class Context {
public:
    //! Reads the configuration (if any) and sets up logging; loads no plugin yet.
    explicit Context(GlobalOptions options);
    ~Context();
    //! The global options given.
    const GlobalOptions &options() const { return options_; }
    //! The state layout.
    const Paths &paths() const { return host_->paths(); }
    //! The configuration.
    Config &config() { return *config_; }
    //! The host services lent to plugins.
    HostServices &host() { return *host_; }
    //! The plugin host, loading the plugins on first use.
    PluginHost &plugins();
    //! Creates $DSPACE_HOME (0700) and its subdirectories when missing.
    void ensure_home();
    //! Applies change to the configuration under the home lock, re-reading the file first; saves it atomically
    //! when change returns true (and returns that).
    bool edit_config(const std::function<bool(Config &)> &change);

private:
    GlobalOptions options_;
    std::unique_ptr<Config> config_;
    std::unique_ptr<HostServices> host_;
    std::unique_ptr<PluginHost> plugins_;
};

} // namespace dspace
