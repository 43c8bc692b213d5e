// dspace plugin SDK: optional capabilities of a snapshotter (since SDK 1.1).
#pragma once

#include "capability.hpp"
#include "export.hpp"
#include "host.hpp"
#include "snapshotter.hpp"
#include "status.hpp"

#include <cstdint>
#include <functional>
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

//! Keeps a ready copy of the snapshot a space was last rolled back to (a *warm spare*), so that the next
//! rollback to it is a swap of directories rather than a rewrite: the snapshotter's restore_in_place uses the
//! spare when it still equals the snapshot. Without it, every rollback rewrites what differs.
class DSPACE_SDK_VISIBLE WarmSpare {
public:
    static constexpr CapabilityId id = CapabilityId::warm_spare; //!< this capability's id
    virtual ~WarmSpare() = default;
    //! Makes the spare of job.server.data_dir equal to the snapshot, or removes it where the snapshotter's
    //! settings want none. Called by a background process after a rollback, while the server runs and without the
    //! space's lock (the space's commands do not wait for it): it touches only the spare, under a lock of its own
    //! that restore_in_place respects, never the live data directory. Must be safe to interrupt at any moment.
    virtual Status refresh_spare(Host &host, const RestoreJob &job) = 0;
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

//! One stored block as BlockTransfer names it.
struct BlockRef {
    std::string id;           //!< the SHA-256 of its bytes, 64 lower-case hex digits
    std::uint32_t length = 0; //!< its length in bytes
};

//! Gives BlockTransfer::read_blocks each block read: a failure stops the reading.
using BlockSink = std::function<Status(const BlockRef &block, std::string_view bytes)>;
//! Gives BlockTransfer::add_blocks the next block: true with block and bytes filled, false at the end; a failure
//! stops the addition and nothing is added.
using BlockSource = std::function<Result<bool>(BlockRef &block, std::string &bytes)>;

//! Snapshots made of content-addressed blocks, so that the host can copy them between stores (push, pull)
//! sending each block once. Without it, the host refuses to push the snapshotter's snapshots.
class DSPACE_SDK_VISIBLE BlockTransfer {
public:
    static constexpr CapabilityId id = CapabilityId::block_transfer; //!< this capability's id
    virtual ~BlockTransfer() = default;
    //! Every stored block the snapshot at payload_dir uses, each once, in the order first used.
    virtual Result<std::vector<BlockRef>> payload_blocks(Host &host, std::string_view payload_dir) = 0;
    //! The blocks of wanted the local store lacks, in wanted's order.
    virtual Result<std::vector<BlockRef>> missing_blocks(Host &host, const std::vector<BlockRef> &wanted) = 0;
    //! Reads each block of blocks from the local store, checked against its id, and gives it to sink in order.
    virtual Status read_blocks(Host &host, const std::vector<BlockRef> &blocks, const BlockSink &sink) = 0;
    //! Adds the blocks next supplies (each checked against its id) to the local store, durably, all or none.
    virtual Status add_blocks(Host &host, const BlockSource &next) = 0;
};

} // namespace dspace::sdk
