// dspace plugin SDK: the Snapshotter interface, one snapshot backend.
//
// The host owns the snapshot repository: it stops or freezes the server,
// gives the snapshotter an empty payload directory, then writes the manifest
// and publishes the snapshot atomically. A snapshotter only moves bytes.
#pragma once

#include "export.hpp"
#include "flavour.hpp"
#include "flavour_capabilities.hpp"
#include "host.hpp"
#include "server.hpp"
#include "status.hpp"

#include <cstdint>
#include <string>

namespace dspace::sdk {

//! How a snapshotter captures data.
enum class SnapshotMethod : std::uint8_t {
    physical = 0, //!< copies the data directory; the server is stopped or frozen meanwhile
    logical = 1,  //!< dumps through the running server (pg_dump, mariadb-dump)
};

//! One snapshot to take.
struct SnapshotJob {
    Flavour *flavour = nullptr;        //!< the space's flavour
    Server server;                     //!< the space (running for logical snapshots)
    std::string payload_dir;           //!< empty directory to write the snapshot into
    std::string previous_payload_dir;  //!< payload of the space's latest snapshot by this snapshotter, or empty

    // Since SDK 1.1. The host passes this struct in, so it grows by appending members here.

    std::uint32_t page_size = 8192;    //!< the flavour's page size (PageLayout), for block-level snapshotters
    LogicalDump *logical_dump = nullptr; //!< the flavour's LogicalDump; nullptr when it has none (logical snapshotters refuse)
};

//! One snapshot to restore.
struct RestoreJob {
    Flavour *flavour = nullptr;   //!< the space's flavour
    Server server;                //!< physical: target to fill (data_dir is an empty directory); logical: a running fresh server
    std::string payload_dir;      //!< the snapshot's payload

    // Since SDK 1.1. The host passes this struct in, so it grows by appending members here.

    std::uint32_t page_size = 8192; //!< the flavour's page size (PageLayout), for block-level snapshotters
    LogicalDump *logical_dump = nullptr; //!< the flavour's LogicalDump; nullptr when it has none
};

//! A snapshot backend (rsync, tar, pg_dump, …).
class DSPACE_SDK_VISIBLE Snapshotter {
public:
    virtual ~Snapshotter() = default;
    //! The snapshotter's name as users type it (`--snapshotter NAME`).
    virtual std::string name() const = 0;
    //! One line for `dspace plugins` and `--help`.
    virtual std::string description() const = 0;
    //! The external tools this snapshotter needs, found or not.
    virtual std::vector<ToolProbe> probe(Host &host) = 0;
    //! Physical or logical.
    virtual SnapshotMethod method() const = 0;
    //! Writes the snapshot of job.server into job.payload_dir.
    virtual Status snapshot(Host &host, const SnapshotJob &job) = 0;
    //! Restores job.payload_dir into job.server.
    virtual Status restore(Host &host, const RestoreJob &job) = 0;
};

} // namespace dspace::sdk
