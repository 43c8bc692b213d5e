// `dspace push`: under a push lock at the remote (see remote_lock.hpp), the blocks the remote lacks, grouped into
// packs (journaled so a killed push resumes), then the payload files, then the manifest last.
#include "pack_outbox.hpp"
#include "remote_lock.hpp"
#include "transfer_common.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/progress.hpp>
#include <dspace/core/transfer.hpp>

#include <unistd.h>

namespace dspace {

namespace {

//! Runs fn inside a callback the plugin calls: exceptions must not cross the plugin boundary.
sdk::Status status_of(const std::function<void()> &fn) {
    try {
        fn();
        return {};
    } catch (const Error &e) {
        return sdk::Status::failure(e.what(), e.hint());
    } catch (const std::exception &e) {
        return sdk::Status::failure(e.what());
    }
}

} // namespace

TransferService::TransferService(HostServices &host, PluginHost &plugins, SpaceManager &spaces, SnapshotService &snapshots)
    : host_(host), plugins_(plugins), spaces_(spaces), snapshots_(snapshots) {}

PushResult TransferService::push(const std::string &space, const std::string &snap, const Remote &remote, const PushProgress &on_progress) {
    SnapshotStore &store = snapshots_.store();
    SnapshotManifest manifest = store.read(space, snap);
    std::string what = "snapshot '" + space + "/" + snap + "'";
    sdk::BlockTransfer &blocks = transfer::block_transfer_of(plugins_, manifest.snapshotter, what);
    if (std::string damage = store.damage(space, snap); !damage.empty())
        throw Error(what + " is damaged, so it was not pushed: " + damage, "run `dspace snapshot verify --repair`");

    transfer::OpenRemote open(host_.paths().home(), remote, true);
    Storage &storage = *open.storage;
    std::string manifest_key = transfer::manifest_key(space, snap), manifest_json = manifest_to_json(manifest);
    PushResult result;
    if (storage.exists(manifest_key)) {
        if (storage.get_bytes(manifest_key) != manifest_json)
            throw Error("remote '" + remote.name + "' already has a different snapshot '" + space + "/" + snap + "'",
                        "copy yours to a new name (`dspace snapshot cp " + space + " " + snap + " NEW`) and push that");
        result.already_there = true;
        return result;
    }

    transfer::RemoteLock lock(storage, remote, "push"); // before relying on any pack the remote has: gc keeps them now
    transfer::RemoteIndex index(storage, open.state_dir / "index");
    transfer::PackOutbox outbox(storage, index, open.state_dir / "outgoing");
    outbox.flush();
    std::string payload = store.payload_dir(space, snap).string();
    auto used = blocks.payload_blocks(host_, payload);
    transfer::check(used.status());
    std::vector<sdk::BlockRef> missing;
    std::uint64_t missing_bytes = 0;
    for (const auto &block : *used)
        if (!index.find(transfer::from_hex(block.id))) {
            missing.push_back(block);
            missing_bytes += block.length;
        }
    result.blocks = used->size();
    result.blocks_sent = missing.size();
    {
        TerminalProgress shown(STDERR_FILENO, TerminalProgress::Show::bytes);
        sdk::ProgressTask progress(shown, "pushing " + space + "/" + snap, missing_bytes);
        std::uint64_t sent = 0;
        if (on_progress) on_progress(0, missing_bytes);
        transfer::check(blocks.read_blocks(host_, missing, [&](const sdk::BlockRef &block, std::string_view bytes) {
            return status_of([&] {
                outbox.add(transfer::from_hex(block.id), bytes);
                lock.refresh_if_due();
                progress.advance(bytes.size());
                sent += bytes.size();
                if (on_progress) on_progress(sent, missing_bytes);
            });
        }));
        outbox.finish();
    }
    result.bytes_sent = outbox.bytes_sent();
    for (const auto &file : manifest.files) {
        lock.refresh_if_due();
        storage.put_file(transfer::payload_key(space, snap, file.path), std::filesystem::path(payload) / file.path);
        result.bytes_sent += file.size;
    }
    lock.check_held(); // a gc that took the lock for stale may have removed packs the manifest needs
    storage.put_bytes(manifest_key, manifest_json); // last: the snapshot is listed only once whole
    result.bytes_sent += manifest_json.size();
    return result;
}

} // namespace dspace
