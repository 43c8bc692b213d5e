// `dspace export NAME SNAP`: a snapshot written out as a data directory, a tar of one, or a logical dump.
#pragma once

#include <dspace/core/data_format.hpp>
#include <dspace/core/host_services.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/core/snapshot.hpp>
#include <dspace/core/space.hpp>

#include <filesystem>
#include <string>

namespace dspace {

//! Options of `dspace export`.
struct ExportOptions {
    std::string space;    //!< the snapshot's space (which may have been removed)
    std::string snapshot; //!< the snapshot
    DataFormat format = DataFormat::pgdata; //!< what to write
    std::string to;       //!< a new path (or file:///path), s3://bucket/path/FILE, or a remote's name
};

//! What an export wrote.
struct ExportResult {
    std::string location;       //!< the directory, file or object written
    std::string flavour;        //!< the data's flavour
    std::string version;        //!< its server version
};

//! Restores the snapshot into a temporary private space (`export-<pid>-<random>`, removed afterwards; after a
//! kill the next command removes it: CreateOptions::temporary), then writes it in options.format: its stopped data
//! directory copied (pgdata) or archived (tar) without dspace's own files plus a dspace-data.json label, or a logical
//! dump (dump_space_database, the path `dspace dump` uses). The output is built beside the target under a hidden
//! name and renamed into place, so it appears only complete (what killed exports to the same target left there is
//! removed first); for a storage destination (s3://, a remote) the file is built inside the temporary space and put
//! as one object (tar and dump only).
ExportResult export_snapshot(HostServices &host, PluginHost &plugins, SpaceManager &spaces, SnapshotService &snapshots,
                             const ExportOptions &options);

} // namespace dspace
