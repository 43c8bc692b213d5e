// Installing and removing plugin files and org bundles in a plugin directory dspace manages
// (`dspace plugins install` / `dspace plugins rm`).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace dspace {

class Paths;
class PluginHost;

//! Where `dspace plugins install` writes by default: $DSPACE_HOME/plugins/<major>.
std::filesystem::path user_plugin_dir(const Paths &paths);
//! The plugin directory of this dspace installation (`--system`): <exe>/../lib/dspace/plugins/<major>.
std::filesystem::path system_plugin_dir();

//! One plugin file installed.
struct InstalledPlugin {
    std::string kind;             //!< flavour | migrator | snapshotter
    std::string name;             //!< the plugin's name
    std::string version;          //!< the plugin's version
    std::filesystem::path path;   //!< where it now is
};

//! What an install did.
struct InstallReport {
    std::string bundle;                   //!< the bundle's name; empty for a single plugin file
    std::string bundle_version;           //!< the bundle's version; empty for a single plugin file
    std::vector<InstalledPlugin> plugins; //!< every plugin file installed
};

//! What a removal did.
struct RemoveReport {
    std::string bundle;                          //!< the bundle removed; empty when one plugin file was
    std::vector<std::filesystem::path> removed;  //!< the plugin files deleted
};

//! A plugin directory dspace installs into: dspace_<kind>_<name>.so files, bundles/<bundle>.json records of which
//! files each bundle installed, a lock, and private .install-* staging directories while an install runs.
class PluginInstaller {
public:
    //! dir: the managed directory, created with dir_mode when missing; loaded: the plugins found on the search path
    //! (an install that would shadow, or be shadowed by, one of them needs force).
    PluginInstaller(std::filesystem::path dir, unsigned dir_mode, const PluginHost &loaded);

    //! Installs source: a plugin file (…so) or a bundle archive (anything else). Every file's checksum and
    //! handshake is checked in a private staging directory before anything is installed; then each file is
    //! renamed into place (mode 0755). Without force it never replaces a file another plugin or bundle installed.
    InstallReport install(const std::filesystem::path &source, bool force);

    //! Removes a whole bundle (tried first) or one plugin given as <kind>/<name> or name. Only files directly in
    //! the managed directory are deleted; symbolic links are unlinked, never followed.
    RemoveReport remove(const std::string &what);

    //! The managed directory.
    const std::filesystem::path &dir() const { return dir_; }

private:
    std::filesystem::path dir_;
    unsigned dir_mode_;
    const PluginHost &loaded_;
};

//! The bundle that installed plugin_file (from the bundles/*.json records beside it); empty when none did.
std::string bundle_of(const std::filesystem::path &plugin_file);

} // namespace dspace
