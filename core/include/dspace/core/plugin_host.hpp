// The plugin host: finds plugin files, checks their handshake, loads them and
// keeps what they register. Plugins are never unloaded before exit.
#pragma once

#include <dspace/sdk/capability.hpp>
#include <dspace/sdk/flavour.hpp>
#include <dspace/sdk/migrator.hpp>
#include <dspace/sdk/registrar.hpp>
#include <dspace/sdk/snapshotter.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dspace {

class Config;
class Paths;

//! What happened to one plugin file. shadowed: a plugin of the same kind and name was loaded from an earlier file.
enum class PluginStatus { loaded, incompatible, failed, shadowed };

//! Text for a PluginStatus: "loaded", "incompatible", "failed", "shadowed".
const char *to_string(PluginStatus status);

//! One plugin file as found and checked (what `dspace plugins` lists).
struct PluginRecord {
    std::filesystem::path path;   //!< absolute path of the file
    std::string kind;             //!< flavour | migrator | snapshotter (from the descriptor, else the file name)
    std::string name;             //!< plugin name (from the descriptor, else the file name)
    std::string version;          //!< plugin version; empty when unknown
    std::string sdk;              //!< SDK ABI version it was built with, "MAJOR.MINOR"; empty when unknown
    PluginStatus status = PluginStatus::failed; //!< outcome
    std::string reason;           //!< why it is not loaded: expected vs found (empty when loaded)
    std::string hint;             //!< how to fix it (empty when loaded)
};

//! A configuration key a loaded plugin declared (Registrar::add_config_key).
struct DeclaredConfigKey {
    std::string key;              //!< dotted key, e.g. "flavours.redis.maxmemory"
    sdk::ConfigKeyType type;      //!< its type
    std::string description;      //!< one line for `dspace config`
    std::string plugin;           //!< "<kind>/<name>" of the plugin that declared it
};

//! The kind of object ("flavour", "migrator", "snapshotter") a capability belongs to; nullptr for an unknown id.
const char *capability_kind(sdk::CapabilityId id);

//! Where plugins are looked for, in order (docs/ARCHITECTURE.md, "Plugin host").
struct PluginSearchOptions {
    std::vector<std::filesystem::path> explicit_files; //!< --plugin FILE (errors are fatal)
    std::vector<std::filesystem::path> dirs;           //!< --plugin-dir DIR, repeated
};

//! The ordered list of directories to scan: --plugin-dir, DSPACE_PLUGIN_PATH, config plugins.search_paths,
//! $DSPACE_HOME/plugins/<major>, <exe>/../lib/dspace/plugins/<major>, the compiled-in install directory.
std::vector<std::filesystem::path> plugin_search_dirs(const PluginSearchOptions &options, const Config &config, const Paths &paths);

//! Loads plugins and owns everything they register.
class PluginHost {
public:
    PluginHost();
    ~PluginHost();
    PluginHost(const PluginHost &) = delete;
    PluginHost &operator=(const PluginHost &) = delete;

    //! Loads each explicit file (throwing Error on any rejection), then scans dirs in order.
    //! During a scan a rejected file is recorded and skipped; a later file with an already-loaded name is recorded as shadowed.
    void load(const PluginSearchOptions &options, const std::vector<std::filesystem::path> &dirs);
    //! Checks and loads one file; returns its record (never throws for a bad plugin).
    PluginRecord try_load_file(const std::filesystem::path &file);
    //! Loads one file; throws Error with the record's reason and hint when it is rejected.
    PluginRecord load_file(const std::filesystem::path &file);

    //! Every plugin file seen, in the order seen.
    const std::vector<PluginRecord> &records() const;
    //! The directories that were scanned, in order.
    const std::vector<std::filesystem::path> &scanned_dirs() const;

    //! The flavour called name, or nullptr.
    sdk::Flavour *try_flavour(const std::string &name) const;
    //! The flavour called name; throws Error listing the available flavours.
    sdk::Flavour &flavour(const std::string &name) const;
    sdk::Migrator *try_migrator(const std::string &name) const;         //!< the migrator called name, or nullptr
    sdk::Migrator &migrator(const std::string &name) const;             //!< the migrator called name; throws Error listing the others
    sdk::Snapshotter *try_snapshotter(const std::string &name) const;   //!< the snapshotter called name, or nullptr
    sdk::Snapshotter &snapshotter(const std::string &name) const;       //!< the snapshotter called name; throws Error listing the others
    std::vector<sdk::Flavour *> flavours() const;                       //!< every loaded flavour
    std::vector<sdk::Migrator *> migrators() const;                     //!< every loaded migrator
    std::vector<sdk::Snapshotter *> snapshotters() const;               //!< every loaded snapshotter
    //! The names of the loaded objects of kind ("flavour", "migrator", "snapshotter"), sorted; empty for another kind.
    std::vector<std::string> loaded_names(const std::string &kind) const;

    //! The capability Cap (e.g. sdk::LogicalDump) of the loaded object called owner, or nullptr when its
    //! plugin does not provide it. Plugins built for SDK 1.0 get the host's adapters (LogicalDump).
    template <typename Cap>
    Cap *capability(const std::string &owner) const {
        return static_cast<Cap *>(find_capability(owner, Cap::id));
    }
    //! The object behind capability<Cap>(owner), untyped; nullptr when absent.
    void *find_capability(const std::string &owner, sdk::CapabilityId id) const;
    //! Every configuration key declared by a loaded plugin.
    const std::vector<DeclaredConfigKey> &declared_config_keys() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace dspace
