// dspace plugin SDK: optional capabilities of a snapshotter (since SDK 1.1).
#pragma once

#include "capability.hpp"
#include "export.hpp"
#include "host.hpp"
#include "snapshotter.hpp"
#include "status.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dspace::sdk {

//! Restores into the live data directory, rewriting only what differs from the snapshot. Without it,
//! the host restores into a new directory with Snapshotter::restore and swaps it in.
class DSPACE_SDK_VISIBLE InPlaceRestore {
public:
    static constexpr CapabilityId id = CapabilityId::in_place_restore; //!< this capability's id
    virtual ~InPlaceRestore() = default;
    //! Reads and checks everything restore_in_place(job) would write; writes nothing. Called while the
    //! server still runs: a failure leaves the space untouched. Cost: what differs, not the snapshot's size.
    virtual Status verify_restore(Host &host, const RestoreJob &job) = 0;
    //! Makes job.server.data_dir (the space's stopped data directory) byte-identical to the snapshot.
    //! Must be safe to call again after a crash at any moment: the host reruns it until it succeeds.
    virtual Status restore_in_place(Host &host, const RestoreJob &job) = 0;
};

//! What one snapshot of a shared store occupies.
struct StoreUsage {
    std::uint64_t own_bytes = 0;    //!< stored bytes no other snapshot uses
    std::uint64_t shared_bytes = 0; //!< stored bytes other snapshots use too
};

//! Snapshots whose payload refers to a store shared between snapshots (blocks, packs). The host tells
//! the store which snapshots exist; the store never decides alone that data is unused.
class DSPACE_SDK_VISIBLE SharedStore {
public:
    static constexpr CapabilityId id = CapabilityId::shared_store; //!< this capability's id
    virtual ~SharedStore() = default;
    //! Checks every piece of stored data the snapshot at payload_dir uses; a failure names what is damaged.
    virtual Status verify_payload(Host &host, std::string_view payload_dir) = 0;
    //! Frees stored data that none of live_payload_dirs (every snapshot of this snapshotter) uses; returns bytes freed.
    virtual Result<std::uint64_t> collect_garbage(Host &host, const std::vector<std::string> &live_payload_dirs) = 0;
    //! What the snapshot at payload_dir occupies, given every snapshot of this snapshotter (live_payload_dirs).
    virtual Result<StoreUsage> usage(Host &host, std::string_view payload_dir,
                                     const std::vector<std::string> &live_payload_dirs) = 0;
};

} // namespace dspace::sdk
