// `dspace remote gc`: under an exclusive lock at the remote (no push runs meanwhile, see remote_lock.hpp), the
// packs no snapshot uses a block of, the payload of snapshots never published and the leftovers of killed puts,
// removed once older than a grace period (which also spares pushes of dspace versions that take no lock), and the
// stale locks of killed commands.
#include "remote_index.hpp"
#include "remote_lock.hpp"
#include "transfer_common.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/transfer.hpp>

#include <algorithm>
#include <ctime>
#include <map>
#include <set>
#include <unordered_set>

namespace dspace {

namespace {

//! The objects of one pack: its data and its index (either may be missing).
struct PackObjects {
    std::optional<StoredObject> pack, index;
};

//! Every block id the published snapshots (manifests) of storage use, read through their payloads fetched into
//! scratch; throws Error when a manifest cannot be read or its snapshotter cannot list blocks.
std::unordered_set<transfer::BlockId, transfer::BlockIdHash> used_blocks(Storage &storage, const Remote &remote, PluginHost &plugins,
                                                                         HostServices &host, const std::vector<StoredObject> &snapshots,
                                                                         const std::filesystem::path &scratch, transfer::RemoteLock &lock) {
    std::unordered_set<transfer::BlockId, transfer::BlockIdHash> used;
    for (const auto &object : snapshots) {
        lock.refresh_if_due();
        auto names = transfer::snapshot_of_manifest_key(object.key);
        if (!names) continue;
        const auto &[space, snap] = *names;
        std::string what = "snapshot '" + space + "/" + snap + "' of remote '" + remote.name + "'";
        SnapshotManifest manifest = manifest_from_json(storage.get_bytes(object.key), "of remote '" + remote.name + "' (" + object.key + ")");
        sdk::BlockTransfer &blocks = transfer::block_transfer_of(plugins, manifest.snapshotter, what);
        fs::remove_tree(scratch);
        fs::make_private_dir(scratch);
        transfer::fetch_payload(storage, manifest, space, snap, scratch);
        auto refs = blocks.payload_blocks(host, scratch.string());
        transfer::check(refs.status());
        for (const auto &ref : *refs) used.insert(transfer::from_hex(ref.id));
    }
    fs::remove_tree(scratch);
    return used;
}

//! The snapshot prefix (snapshots/<space>/<snap>/) of a payload key, or "" for any other key.
std::string snapshot_of_payload_key(const std::string &key) {
    auto payload = key.find("/payload/");
    if (key.rfind("snapshots/", 0) != 0 || payload == std::string::npos) return "";
    std::string prefix = key.substr(0, payload + 1);
    return std::count(prefix.begin(), prefix.end(), '/') == 3 ? prefix : "";
}

} // namespace

RemoteGcResult TransferService::gc_remote(const Remote &remote, std::chrono::seconds grace, bool dry_run) {
    transfer::OpenRemote open(host_.paths().home(), remote, false);
    Storage &storage = *open.storage;
    const std::int64_t cutoff = std::int64_t(std::time(nullptr)) - grace.count();
    transfer::RemoteLock lock(storage, remote, "gc"); // throws when a push (or gc) elsewhere is running
    RemoteGcResult result;
    auto remove = [&](const StoredObject &object, const std::string &why) {
        lock.refresh_if_due();
        if (!dry_run) storage.remove(object.key);
        result.removed.push_back({object.key, object.size_bytes, why});
        result.bytes_freed += object.size_bytes;
    };
    // Listed before the manifests are read: a pack stored after this listing is not considered at all.
    std::map<std::string, PackObjects> packs;
    for (const auto &object : storage.list("packs/")) {
        if (std::string pack = transfer::pack_of_index_key(object.key); !pack.empty()) {
            packs[pack].index = object;
        } else if (object.key.size() == 6 + 3 + 64 + 5 && object.key.compare(object.key.size() - 5, 5, ".pack") == 0) {
            std::string name = object.key.substr(9, 64);
            if (transfer::pack_key(name) == object.key) packs[name].pack = object;
        }
    }
    auto snapshots = storage.list("snapshots/");
    auto used = used_blocks(storage, remote, plugins_, host_, snapshots, open.state_dir / "gc-payload", lock);
    for (const auto &stale : lock.stale()) remove({stale.key, stale.size_bytes}, "stale lock of " + transfer::describe_lock(stale));

    // known: a modification time of 0 is unknown, and an object of unknown age is never removed
    auto old = [&](const StoredObject &object) { return object.modified_unix != 0 && object.modified_unix < cutoff; };

    transfer::RemoteIndex index(storage, open.state_dir / "index");
    std::set<std::string> packs_used;
    for (const auto &id : used) {
        if (const transfer::BlockPlace *place = index.find(id)) packs_used.insert(index.packs()[place->pack]);
        else ++result.blocks_lacking;
    }
    for (const auto &[name, objects] : packs) {
        if (packs_used.count(name)) {
            ++result.packs_in_use;
            continue;
        }
        if ((objects.index && !old(*objects.index)) || (objects.pack && !old(*objects.pack))) {
            ++result.kept_young;
            continue;
        }
        if (objects.index) remove(*objects.index, objects.pack ? "unused pack index" : "index without pack"); // first: the pack stops counting
        if (objects.pack) remove(*objects.pack, objects.index ? "unused pack" : "pack without index");
    }

    std::set<std::string> published;
    for (const auto &object : snapshots)
        if (auto names = transfer::snapshot_of_manifest_key(object.key)) published.insert(transfer::snapshot_prefix(names->first, names->second));
    for (const auto &object : snapshots) {
        std::string prefix = snapshot_of_payload_key(object.key);
        if (prefix.empty() || published.count(prefix)) continue;
        if (old(object)) remove(object, "payload without manifest");
        else ++result.kept_young;
    }
    for (const auto &object : storage.list_leftovers()) {
        if (old(object)) remove(object, "leftover of an interrupted write");
        else ++result.kept_young;
    }
    return result;
}

} // namespace dspace
