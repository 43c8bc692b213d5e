// Where dspace keeps its state: $DSPACE_HOME and the layout below it.
#pragma once

#include <filesystem>
#include <string>

namespace dspace {

//! The layout of $DSPACE_HOME (docs/ARCHITECTURE.md, "Layout"). Pure path arithmetic; creates nothing.
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
    std::filesystem::path space_dir(const std::string &space) const { return spaces_dir() / space; } //!< a space's directory
    std::filesystem::path snapshots_dir() const { return home_ / "snapshots"; }               //!< the snapshot repository
    std::filesystem::path home_lock() const { return home_ / ".lock"; }                       //!< serialises home-wide changes (config, port picks)

private:
    std::filesystem::path home_;
};

} // namespace dspace
