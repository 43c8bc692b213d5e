// Sharing snapshots through remotes: `dspace push`, `dspace pull`, `dspace snapshot ls|rm --remote`, `dspace remote gc`.
//
// Remote layout (content-addressed, shared by every snapshot, space and user pushing there):
//   dspace-remote.json                      {"layout": 1}: a remote written by a newer layout is refused
//   packs/<hh>/<sha256>.pack                blocks, one after the other; named by the SHA-256 of the whole pack
//   packs/<hh>/<sha256>.idx                 its index: "DSRIDX01", u64 count, (32-byte block id, u64 offset, u32 length)*;
//                                           written after the pack: a pack counts only once its index exists
//   snapshots/<space>/<snap>/payload/<f>    the snapshot's payload files (the block list)
//   snapshots/<space>/<snap>/manifest.json  its manifest, written last: a half-pushed snapshot is never listed
//   locks/<32 hex>.json                     {"kind": "push"|"gc", "host", "pid", "created", "refreshed"}: a push or gc
//                                           in progress (written first, then the others listed; rewritten every
//                                           minute; stale, ignored, 30 min after its last write)
#pragma once

#include <dspace/core/host_services.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/core/remotes.hpp>
#include <dspace/core/snapshot.hpp>
#include <dspace/core/space.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dspace {

//! What a push did.
struct PushResult {
    std::uint64_t blocks = 0;       //!< blocks the snapshot uses
    std::uint64_t blocks_sent = 0;  //!< of them, sent now (the remote lacked them)
    std::uint64_t bytes_sent = 0;   //!< bytes of every object written to the remote
    bool already_there = false;     //!< the remote already held this very snapshot: nothing was sent
};

//! Told the bytes of blocks a push has sent so far and the total it will send.
using PushProgress = std::function<void(std::uint64_t sent, std::uint64_t total)>;

//! What a pull did.
struct PullResult {
    std::string space, name;          //!< the local snapshot it made
    std::uint64_t blocks = 0;         //!< blocks the snapshot uses
    std::uint64_t blocks_fetched = 0; //!< of them, fetched now (the local store lacked them)
    std::uint64_t bytes_fetched = 0;  //!< bytes of every object read from the remote
};

//! One object a remote garbage collection removed (or, dry, would remove).
struct RemovedObject {
    std::string key;              //!< its key
    std::uint64_t size_bytes = 0; //!< its size
    std::string why;              //!< "unused pack", "unused pack index", "pack without index", "payload without manifest", "leftover", "stale lock of …"
};

//! What a remote garbage collection did.
struct RemoteGcResult {
    std::vector<RemovedObject> removed; //!< what it removed, index before its pack
    std::uint64_t bytes_freed = 0;      //!< their sizes summed
    std::uint64_t packs_in_use = 0;     //!< packs kept because a snapshot uses one of their blocks
    std::uint64_t kept_young = 0;       //!< unused objects kept because they are younger than the grace period
    std::uint64_t blocks_lacking = 0;   //!< blocks a snapshot uses that no pack holds (the remote is damaged)
};

//! Push, pull and remote listings over the local snapshot store. State kept per remote (its index cache and the
//! journal of packs a push has built but not yet seen stored) lives in $DSPACE_HOME/transfer/<hash of the URL>/.
class TransferService {
public:
    //! Works on the snapshots of snapshots (whose spaces spaces manages).
    TransferService(HostServices &host, PluginHost &plugins, SpaceManager &spaces, SnapshotService &snapshots);
    //! Sends snapshot snap of space to remote, only the blocks it lacks; resumes what a killed push left. Holds a
    //! push lock at remote meanwhile; throws Error, sending nothing, while a `remote gc` holds one there.
    //! progress (when set) is told the bytes of blocks sent so far and their total, after each block.
    PushResult push(const std::string &space, const std::string &snap, const Remote &remote, const PushProgress &progress = {});
    //! Makes snapshot space/snap of remote a local snapshot as_space/as_snap (same names when empty), checking every block.
    PullResult pull(const Remote &remote, const std::string &space, const std::string &snap, const std::string &as_space,
                    const std::string &as_snap);
    //! The complete snapshots on remote, oldest first.
    std::vector<SnapshotManifest> list_remote(const Remote &remote);
    //! Removes snapshot space/snap from remote: its manifest first, then its payload (its packs stay until gc_remote).
    void remove_remote(const Remote &remote, const std::string &space, const std::string &snap);
    //! Removes from remote the packs no snapshot's manifest uses a block of (index first, then pack), the payload
    //! objects of snapshots without manifest and the leftovers of killed puts, of them only those older than grace
    //! (a push publishes its manifest last: a younger object may belong to a push in progress). With dry_run
    //! nothing is removed. Holds a gc lock at remote meanwhile, and removes the stale locks of killed commands.
    //! Throws Error, removing nothing, when a push (or gc) elsewhere holds a fresh lock or a manifest cannot be read.
    RemoteGcResult gc_remote(const Remote &remote, std::chrono::seconds grace, bool dry_run);

private:
    HostServices &host_;
    PluginHost &plugins_;
    SpaceManager &spaces_;
    SnapshotService &snapshots_;
};

} // namespace dspace
