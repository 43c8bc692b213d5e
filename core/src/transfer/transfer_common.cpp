#include "transfer_common.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>

namespace dspace::transfer {

OpenRemote::OpenRemote(const std::filesystem::path &home, const Remote &remote_, bool create)
    : remote(remote_), state_dir(remote_state_dir(home, remote_)),
      lock(state_dir / "lock", "remote '" + remote_.name + "' (another push or pull uses it)", std::chrono::minutes(10)),
      storage(open_storage(remote_.url)) {
    check_layout(*storage, remote, create);
}

sdk::BlockTransfer &block_transfer_of(PluginHost &plugins, const std::string &snapshotter, const std::string &what) {
    if (auto *transfer = plugins.capability<sdk::BlockTransfer>(snapshotter)) return *transfer;
    throw Error(what + " was taken by snapshotter '" + snapshotter + "', whose snapshots cannot be pushed or pulled",
                "take one with `dspace snapshot NAME SNAP --snapshotter blocks` and push that");
}

void check(const sdk::Status &status) {
    if (!status.ok()) throw Error(status.message(), status.hint());
}

std::string existing_manifest_key(Storage &storage, const Remote &remote, const std::string &space, const std::string &snap) {
    std::string key = manifest_key(space, snap);
    if (!storage.exists(key))
        throw Error("remote '" + remote.name + "' has no snapshot '" + space + "/" + snap + "'",
                    "`dspace snapshot ls --remote " + remote.name + "` lists its snapshots");
    return key;
}

std::uint64_t fetch_payload(Storage &storage, const SnapshotManifest &manifest, const std::string &space, const std::string &snap,
                            const std::filesystem::path &payload_dir) {
    std::uint64_t bytes = 0;
    for (const auto &file : manifest.files) {
        std::string key = transfer::payload_key(space, snap, file.path); // checks file.path: no "..", no absolute path
        auto local = payload_dir / file.path;
        fs::make_private_dir(local.parent_path());
        storage.get_file(key, local);
        if (std::filesystem::file_size(local) != file.size || xxh3_128_file(local) != file.xxh3_128)
            throw Error("the object " + key + " of " + storage.url() + " does not match the snapshot's manifest (size or checksum)",
                        "the remote copy is damaged; push the snapshot again from a machine that has it");
        bytes += file.size;
    }
    return bytes;
}

} // namespace dspace::transfer
