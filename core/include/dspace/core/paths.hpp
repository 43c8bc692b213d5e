// Where dspace keeps its state: $DSPACE_HOME and the layout below it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace dspace {

//! The layout of $DSPACE_HOME. Pure path arithmetic; creates nothing. It is the one place where a user-chosen
//! name (space, snapshot, plugin) becomes a path: every such method validates the name (validate_name) and
//! throws UsageError for one that could leave its directory ("/tmp/d", "../x", "a/b").
class Paths {
public:
    //! home is $DSPACE_HOME; see default_home().
    explicit Paths(std::filesystem::path home) : home_(std::move(home)) {}
    //! $DSPACE_HOME if set, else ~/.dataspace (/var/lib/dataspace for root, whose home the servers' users cannot enter).
    static std::filesystem::path default_home();

    const std::filesystem::path &home() const { return home_; }                               //!< $DSPACE_HOME
    std::filesystem::path config_file() const { return home_ / "config.json"; }               //!< user configuration
    std::filesystem::path logs_dir() const { return home_ / "logs"; }                         //!< dspace's own log files
    std::filesystem::path plugins_dir() const { return home_ / "plugins"; }                   //!< user-installed plugins
    std::filesystem::path cache_dir() const { return home_ / "cache"; }                       //!< template clusters, chunk store
    std::filesystem::path spaces_dir() const { return home_ / "spaces"; }                     //!< one directory per space
    std::filesystem::path space_dir(const std::string &space) const { return child(spaces_dir(), space, "space"); } //!< a space's directory
    std::filesystem::path snapshots_dir() const { return home_ / "snapshots"; }               //!< the snapshot repository
    //! snapshots/<space>: the snapshots of one space.
    std::filesystem::path space_snapshots_dir(const std::string &space) const { return child(snapshots_dir(), space, "space"); }
    //! cache/<plugin>: a plugin's private cache.
    std::filesystem::path plugin_cache_dir(const std::string &plugin) const { return child(cache_dir(), plugin, "plugin"); }
    //! parent / name once name is valid for what ("space", "snapshot", "plugin"); throws UsageError otherwise.
    static std::filesystem::path child(const std::filesystem::path &parent, std::string_view name, std::string_view what);
    std::filesystem::path home_lock() const { return home_ / ".lock"; }                       //!< serialises home-wide changes (config, port picks)

private:
    std::filesystem::path home_;
};

} // namespace dspace
