// `dspace pull`: the manifest, the payload files (checked against it), then the blocks the local store lacks,
// each checked against its SHA-256 before any is stored; the snapshot is published only when all is in place.
#include "remote_index.hpp"
#include "transfer_common.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/names.hpp>
#include <dspace/core/progress.hpp>
#include <dspace/core/transfer.hpp>

#include <deque>
#include <functional>
#include <future>
#include <map>
#include <unistd.h>

namespace dspace {

namespace {

//! The blocks to fetch, grouped by the pack holding them (in pack order, then offset order).
using PackPlan = std::map<std::uint32_t, std::vector<std::pair<sdk::BlockRef, transfer::BlockPlace>>>;

//! Where each missing block is fetched from; throws Error when the remote lacks one.
PackPlan plan_fetch(const transfer::RemoteIndex &index, const std::vector<sdk::BlockRef> &missing, const Remote &remote) {
    PackPlan plan;
    for (const auto &block : missing) {
        const transfer::BlockPlace *place = index.find(transfer::from_hex(block.id));
        if (!place)
            throw Error("remote '" + remote.name + "' lacks block " + block.id + ", which the snapshot uses",
                        "push the snapshot again from a machine that has it");
        plan[place->pack].emplace_back(block, *place);
    }
    for (auto &[pack, blocks] : plan)
        std::sort(blocks.begin(), blocks.end(), [](const auto &a, const auto &b) { return a.second.offset < b.second.offset; });
    return plan;
}

//! Fetches the missing blocks from the packs index names, checking each against its SHA-256, and adds them to the
//! local store through blocks, all or none; returns the bytes fetched. A damaged block is reported naming its pack.
std::uint64_t fetch_blocks(Storage &storage, const Remote &remote, const transfer::RemoteIndex &index, sdk::BlockTransfer &blocks,
                           sdk::Host &host, const std::vector<sdk::BlockRef> &missing, const std::string &label) {
    PackPlan plan = plan_fetch(index, missing, remote);
    std::uint64_t total = 0, fetched = 0;
    for (const auto &block : missing) total += block.length;
    TerminalProgress shown(STDERR_FILENO, TerminalProgress::Show::bytes);
    sdk::ProgressTask progress(shown, label, total);
    auto pack = plan.begin();
    std::size_t next_block = 0;
    std::string pack_bytes;
    // The packs after the current one download meanwhile, parallel_transfers at a time, in plan order.
    auto next_download = plan.begin();
    std::deque<std::future<std::string>> downloads; // destroying one waits for it
    auto download_ahead = [&] {
        for (; downloads.size() < transfer::parallel_transfers && next_download != plan.end(); ++next_download)
            downloads.push_back(std::async(std::launch::async, [&storage, key = transfer::pack_key(index.packs()[next_download->first])] {
                return storage.get_bytes(key);
            }));
    };
    transfer::check(blocks.add_blocks(host, [&](sdk::BlockRef &block, std::string &bytes) -> sdk::Result<bool> {
        try {
            if (pack != plan.end() && next_block == pack->second.size()) ++pack, next_block = 0, pack_bytes.clear();
            if (pack == plan.end()) return false;
            std::string key = transfer::pack_key(index.packs()[pack->first]);
            if (next_block == 0) {
                download_ahead();
                pack_bytes = downloads.front().get();
                downloads.pop_front();
                download_ahead();
                fetched += pack_bytes.size();
            }
            const auto &[ref, place] = pack->second[next_block++];
            if (place.offset + place.length > pack_bytes.size() || place.length != ref.length ||
                transfer::to_hex(transfer::sha256(std::string_view(pack_bytes).substr(place.offset, place.length))) != ref.id)
                return sdk::Status::failure("block " + ref.id + " in pack " + key + " of remote '" + remote.name +
                                                "' is damaged (its SHA-256 does not match); nothing was pulled",
                                            "push the snapshot again from a machine that has it, after removing " + key +
                                                " and its .idx from the remote");
            block = ref;
            bytes.assign(pack_bytes, place.offset, place.length);
            progress.advance(place.length);
            return true;
        } catch (const Error &e) {
            return sdk::Status::failure(e.what(), e.hint());
        } catch (const std::exception &e) {
            return sdk::Status::failure(e.what());
        }
    }));
    return fetched;
}

} // namespace

PullResult TransferService::pull(const Remote &remote, const std::string &space, const std::string &snap, const std::string &as_space,
                                 const std::string &as_snap) {
    PullResult result;
    result.space = as_space.empty() ? space : as_space;
    result.name = as_snap.empty() ? snap : as_snap;
    validate_name(result.space, "space");
    validate_name(result.name, "snapshot");
    transfer::OpenRemote open(host_.paths().home(), remote, false);
    Storage &storage = *open.storage;
    std::string manifest_key = transfer::existing_manifest_key(storage, remote, space, snap);
    SnapshotManifest manifest = manifest_from_json(storage.get_bytes(manifest_key), "of remote '" + remote.name + "' (" + manifest_key + ")");
    sdk::BlockTransfer &blocks = transfer::block_transfer_of(plugins_, manifest.snapshotter, "snapshot '" + space + "/" + snap + "'");

    if (spaces_.exists(result.space)) {
        SpaceState target = spaces_.load(result.space);
        if (manifest.flavour != target.flavour || manifest.server_version != target.version)
            throw Error("snapshot '" + space + "/" + snap + "' holds " + manifest.flavour + " " + manifest.server_version +
                            " data, which space '" + result.space + "' (" + target.flavour + " " + target.version + ") cannot run",
                        "pull it under a space of the same flavour and version, or of no space (--as NEW/SNAP)");
    }
    auto under_space_lock = [&](const std::function<void()> &fn) {
        if (!spaces_.exists(result.space)) return fn(); // a snapshot of no space: no lock to take
        FileLock lock = spaces_.lock(result.space);
        fn();
    };
    // The blocks the payload at dir uses that the local store lacks (used_count: how many it uses, when not null).
    auto missing_blocks = [&](const std::filesystem::path &dir, std::uint64_t *used_count) {
        auto used = blocks.payload_blocks(host_, dir.string());
        transfer::check(used.status());
        if (used_count) *used_count = used->size();
        auto missing = blocks.missing_blocks(host_, *used);
        transfer::check(missing.status());
        return *missing;
    };
    SnapshotStore &store = snapshots_.store();
    snapshots_.recover_snapshot_leftovers(result.space);
    if (store.exists(result.space, result.name))
        throw Error("snapshot '" + result.space + "/" + result.name + "' already exists here",
                    "pull it under another name with --as SPACE/SNAP, or remove the local one first");
    StagedSnapshot staged = store.stage(result.space, result.name);
    try {
        result.bytes_fetched = transfer::fetch_payload(storage, manifest, space, snap, staged.payload_dir);
        auto missing = missing_blocks(staged.payload_dir, &result.blocks);
        result.blocks_fetched = missing.size();
        transfer::RemoteIndex index(storage, open.state_dir / "index");
        result.bytes_fetched += fetch_blocks(storage, remote, index, blocks, host_, missing, "pulling " + space + "/" + snap);
        manifest.space = result.space;
        manifest.name = result.name;
        under_space_lock([&] { store.publish(staged, manifest, false); });
    } catch (...) {
        store.discard(staged);
        throw;
    }
    // A garbage collection between adding the blocks and publishing (a `snapshot rm` elsewhere) may have taken
    // some: the published snapshot is live now, so fetch those again, or remove it.
    try {
        auto missing = missing_blocks(store.payload_dir(result.space, result.name), nullptr);
        if (!missing.empty()) {
            transfer::RemoteIndex index(storage, open.state_dir / "index");
            result.bytes_fetched += fetch_blocks(storage, remote, index, blocks, host_, missing, "pulling " + space + "/" + snap);
        }
    } catch (...) {
        under_space_lock([&] { store.remove(result.space, result.name); });
        throw;
    }
    return result;
}

} // namespace dspace
