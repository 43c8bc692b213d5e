// What push, pull and remote listings share: the remote opened with its local state locked, and the
// snapshotter's BlockTransfer.
#pragma once

#include "remote_layout.hpp"

#include <dspace/core/lock.hpp>
#include <dspace/core/snapshot_manifest.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/sdk/snapshotter_capabilities.hpp>

#include <memory>

namespace dspace::transfer {

//! How many packs a push sends, or a pull fetches, at the same time.
inline constexpr std::size_t parallel_transfers = 4;

//! A remote opened for one command, its local state (index cache, push journal) locked against other commands.
struct OpenRemote {
    //! Opens remote; checks its layout marker (writing it when create and absent).
    OpenRemote(const std::filesystem::path &home, const Remote &remote, bool create);
    Remote remote;                     //!< the remote
    std::filesystem::path state_dir;   //!< its local state
    FileLock lock;                     //!< held for the command's duration
    std::unique_ptr<Storage> storage;  //!< the destination
};

//! The BlockTransfer of snapshotter; throws Error naming it and what to do when it has none (verb: "push", "pull").
sdk::BlockTransfer &block_transfer_of(PluginHost &plugins, const std::string &snapshotter, const std::string &what);

//! Fetches the payload files of snapshot space/snap (manifest) from storage into payload_dir, each checked against
//! its size and checksum; returns their bytes.
std::uint64_t fetch_payload(Storage &storage, const SnapshotManifest &manifest, const std::string &space, const std::string &snap,
                            const std::filesystem::path &payload_dir);

//! Throws Error with status's message and hint unless it is ok.
void check(const sdk::Status &status);

//! The key of snapshot space/snap's manifest at remote; throws Error (saying how to list its snapshots) when absent.
std::string existing_manifest_key(Storage &storage, const Remote &remote, const std::string &space, const std::string &snap);

} // namespace dspace::transfer
