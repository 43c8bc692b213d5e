// `dspace create NAME --from PATH`: a space adopting a data directory, a tar of one, or a logical dump.
#pragma once

#include <dspace/core/data_format.hpp>
#include <dspace/core/host_services.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/core/snapshot.hpp>
#include <dspace/core/space.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace dspace {

//! Options of `dspace create NAME --from PATH`.
struct AdoptOptions {
    CreateOptions create;              //!< name, port, user, password, database, settings, expiry of the new space
    std::filesystem::path from;        //!< the data directory, tar or dump, or s3://bucket/path/FILE (a tar or dump)
    std::optional<DataFormat> format;  //!< empty: told from the content
    bool move = false;                 //!< delete the source once the space runs (data directories and tars)
};

//! What an adoption did.
struct AdoptResult {
    SpaceState space;  //!< the new space
    DataFormat format; //!< what the source was
};

//! The format of path by its content: a directory with PG_VERSION or mysql/ is pgdata, a file starting with a tar
//! header (not a pg_dump tar archive) is tar, anything else is left to the dump reader. Throws Error when path is missing.
DataFormat detect_data_format(const std::filesystem::path &path);

//! Creates the space from options.from. A data directory or tar is copied (or extracted) into the new space, its
//! server version checked against the installed ones first, owned by the server's user, mode 0700, and given the
//! space's own random credentials (the flavour's Rekey); a dump goes through `dspace import`. The space appears
//! only when it runs; nothing outside $DSPACE_HOME is changed, except that move deletes the source afterwards.
//! An s3:// source is downloaded into the home's cache first and removed afterwards.
AdoptResult adopt_space(HostServices &host, PluginHost &plugins, SpaceManager &spaces, SnapshotService &snapshots,
                        const AdoptOptions &options);

} // namespace dspace
