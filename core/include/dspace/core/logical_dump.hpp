// The one path that writes a logical dump of a space's database to a file: `dspace dump` (project backups) and
// `dspace export --format dump` both use it.
#pragma once

#include <dspace/core/host_services.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/core/space.hpp>

#include <filesystem>

namespace dspace {

//! Writes a logical dump of the running space state's database to out_file (mode 0600) with its flavour's
//! LogicalDump capability. Throws Error when the flavour has none or the dump fails; a partial file is removed.
void dump_space_database(HostServices &host, PluginHost &plugins, SpaceManager &spaces, const SpaceState &state,
                         const std::filesystem::path &out_file);

} // namespace dspace
