// Sharing snapshots through remotes: `dspace push`, `dspace pull`, `dspace snapshot ls --remote`.
//
// Remote layout (content-addressed, shared by every snapshot, space and user pushing there):
//   dspace-remote.json                      {"layout": 1}: a remote written by a newer layout is refused
//   packs/<hh>/<sha256>.pack                blocks, one after the other; named by the SHA-256 of the whole pack
//   packs/<hh>/<sha256>.idx                 its index: "DSRIDX01", u64 count, (32-byte block id, u64 offset, u32 length)*;
//                                           written after the pack: a pack counts only once its index exists
//   snapshots/<space>/<snap>/payload/<f>    the snapshot's payload files (the block list)
//   snapshots/<space>/<snap>/manifest.json  its manifest, written last: a half-pushed snapshot is never listed
#pragma once

#include <dspace/core/host_services.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/core/remotes.hpp>
#include <dspace/core/snapshot.hpp>
#include <dspace/core/space.hpp>

#include <cstdint>
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

//! What a pull did.
struct PullResult {
    std::string space, name;          //!< the local snapshot it made
    std::uint64_t blocks = 0;         //!< blocks the snapshot uses
    std::uint64_t blocks_fetched = 0; //!< of them, fetched now (the local store lacked them)
    std::uint64_t bytes_fetched = 0;  //!< bytes of every object read from the remote
};

//! Push, pull and remote listings over the local snapshot store. State kept per remote (its index cache and the
//! journal of packs a push has built but not yet seen stored) lives in $DSPACE_HOME/transfer/<hash of the URL>/.
class TransferService {
public:
    //! Works on the snapshots of snapshots (whose spaces spaces manages).
    TransferService(HostServices &host, PluginHost &plugins, SpaceManager &spaces, SnapshotService &snapshots);
    //! Sends snapshot snap of space to remote, only the blocks it lacks; resumes what a killed push left.
    PushResult push(const std::string &space, const std::string &snap, const Remote &remote);
    //! Makes snapshot space/snap of remote a local snapshot as_space/as_snap (same names when empty), checking every block.
    PullResult pull(const Remote &remote, const std::string &space, const std::string &snap, const std::string &as_space,
                    const std::string &as_snap);
    //! The complete snapshots on remote, oldest first.
    std::vector<SnapshotManifest> list_remote(const Remote &remote);

private:
    HostServices &host_;
    PluginHost &plugins_;
    SpaceManager &spaces_;
    SnapshotService &snapshots_;
};

} // namespace dspace
