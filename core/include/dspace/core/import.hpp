// `dspace import`: a space made (or filled) from a dump file of any pg_dump or mysqldump format, or from a live
// server, optionally a subset of its tables with what their foreign keys need and fewer rows.
#pragma once

#include <dspace/core/host_services.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/core/snapshot.hpp>
#include <dspace/core/space.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace dspace {

//! Options of `dspace import NAME SOURCE`.
struct ImportOptions {
    std::string space;                                       //!< the space to create (or fill, with into)
    std::string source;                                      //!< a dump file or directory, or a postgresql:// / mysql:// URL
    std::vector<std::string> tables;                         //!< --tables: only these (and what they need); empty = all
    std::vector<std::pair<std::string, std::string>> where;  //!< --where TABLE:CONDITION, rows of TABLE to keep
    std::vector<std::pair<std::string, std::uint64_t>> limit; //!< --limit TABLE:N, at most N rows of TABLE (before parents are added)
    bool schema_only = false;                                //!< no rows
    std::string flavour;                                     //!< --flavour: must match the source's; empty = the source's
    bool into = false;                                       //!< fill the existing space instead of creating it
};

//! What an import did.
struct ImportResult {
    SpaceState space;                 //!< the space imported into
    std::string source;               //!< the source as messages name it (a URL without its password)
    std::string format;               //!< what the source was, e.g. "a pg_dump custom-format archive"
    std::vector<std::string> tables;  //!< the tables restored, when a subset was asked for
};

//! Imports options.source into a new space (created only when the import succeeded) or, with into, into an
//! existing running space of the same flavour (snapshotted as `before-import` first and rolled back to it when
//! the import fails). Ends with the snapshot `imported` (default snapshotter).
ImportResult import_space(HostServices &host, PluginHost &plugins, SpaceManager &spaces, SnapshotService &snapshots,
                          const ImportOptions &options);

//! The restore path of import for a dump file or directory of any format import reads: restores path into the
//! running space state, checking first that the dump is of the space's flavour and readable. For `load`.
void restore_dump(HostServices &host, PluginHost &plugins, SpaceManager &spaces, const SpaceState &state,
                  const std::filesystem::path &path);

//! The checks restore_dump makes before it changes anything (the dump is of state's flavour and readable). For `load`,
//! before it empties the space.
void check_dump(HostServices &host, PluginHost &plugins, const SpaceState &state, const std::filesystem::path &path);

//! The base tables ("schema.name") of the running space state's database, as import lists them. For `up`.
std::vector<std::string> user_tables(HostServices &host, PluginHost &plugins, SpaceManager &spaces, const SpaceState &state);

} // namespace dspace
