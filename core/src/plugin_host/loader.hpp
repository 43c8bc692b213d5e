// Opening one plugin file and checking its handshake, before any C++ object crosses.
#pragma once

#include <dspace/core/plugin_host.hpp>
#include <dspace/sdk/abi.h>

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace dspace::plugin_loader {

//! What a file name dspace_<kind>_<name><suffix> says.
struct FileName {
    std::string kind; //!< flavour | migrator | snapshotter
    std::string name; //!< the plugin name
};

//! Parses a plugin file name; nullopt when it is not dspace_<kind>_<name>.so.
std::optional<FileName> parse_file_name(const std::filesystem::path &file);

//! A file that passed the handshake: the open library and its descriptor.
struct Checked {
    boost::dll::shared_library library;            //!< kept open until exit
    const dspace_plugin_descriptor *descriptor;    //!< points into the library
};

//! Opens file and runs the handshake checks in order (shared object, entry point,
//! magic, size, major, minor, ABI tag, name). Fills record (kind, name, version, sdk,
//! status, reason, hint); returns the library only when every check passed.
std::optional<Checked> open_and_check(const std::filesystem::path &file, PluginRecord &record);

} // namespace dspace::plugin_loader
