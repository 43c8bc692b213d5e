// The blocks snapshotter: files split into page-sized blocks, each stored once under its SHA-256 in a store
// shared by every snapshot of $DSPACE_HOME; a snapshot is a block list. Rollback rewrites only what differs, or
// swaps in a warm spare of the snapshot when it keeps one.
#include "block_engine.hpp"
#include "block_transfer.hpp"
#include "file_io.hpp"
#include "reflink.hpp"
#include "warm_spare.hpp"

#include <dspace/sdk/plugin.hpp>
#include <dspace/sdk/snapshotter_capabilities.hpp>

#include <functional>

namespace sdk = dspace::sdk;
namespace blocks = dspace::blocks;

namespace {

//! Runs fn, turning a BlockError (or any exception) into a failed Status that says what was being done.
sdk::Status guarded(const std::string &what, const std::function<void()> &fn) {
    try {
        fn();
        return {};
    } catch (const blocks::BlockError &e) {
        return sdk::Status::failure(what + " failed: " + e.what(), e.hint());
    } catch (const std::exception &e) {
        return sdk::Status::failure(what + " failed: " + e.what());
    }
}

//! The setting that says when to keep a warm spare.
constexpr const char *warm_spare_key = "snapshotters.blocks.warm_spare";

class BlocksSnapshotter final : public sdk::Snapshotter, public sdk::InPlaceRestore, public sdk::SharedStore,
                                public sdk::BlockTransfer, public sdk::WarmSpare {
public:
    std::string name() const override { return "blocks"; }
    std::string description() const override {
        return "physical; page-sized blocks stored once (SHA-256) and shared by all snapshots; rollback rewrites only what changed";
    }
    std::vector<sdk::ToolProbe> probe(sdk::Host &) override { return {}; }
    sdk::SnapshotMethod method() const override { return sdk::SnapshotMethod::physical; }

    sdk::Status snapshot(sdk::Host &host, const sdk::SnapshotJob &job) override {
        blocks::EngineJob engine = make_job(host, job.server.data_dir, job.payload_dir, job.page_size);
        engine.previous_payload_dir = job.previous_payload_dir;
        return guarded("the snapshot of space '" + job.server.space + "'", [&] { blocks::take_snapshot(engine, host.progress()); });
    }

    sdk::Status restore(sdk::Host &host, const sdk::RestoreJob &job) override {
        return guarded("the restore into space '" + job.server.space + "'",
                       [&] { blocks::restore_new(make_job(host, job.server.data_dir, job.payload_dir, job.page_size), host.progress()); });
    }

    sdk::Status verify_restore(sdk::Host &host, const sdk::RestoreJob &job) override {
        if (spare_mode(host).empty()) host.logger().log(sdk::LogLevel::warn, bad_spare_mode(host) + ": no warm spare is kept");
        return guarded("checking the snapshot's blocks before rolling back space '" + job.server.space + "'", [&] {
            blocks::EngineJob engine = make_job(host, job.server.data_dir, job.payload_dir, job.page_size);
            plan_ = {};
            if (!spare_ready(engine)) blocks::sync_in_place(engine, false, host.progress(), &plan_); // (a ready spare was checked as it was written)
        });
    }

    sdk::Status restore_in_place(sdk::Host &host, const sdk::RestoreJob &job) override {
        return guarded("rolling back space '" + job.server.space + "' in place", [&] {
            blocks::RestorePlan plan = std::move(plan_); // followed once, by the rollback right after its check
            plan_ = {};
            blocks::EngineJob engine = make_job(host, job.server.data_dir, job.payload_dir, job.page_size);
            blocks::SpareLock spare(engine.data_dir, false); // taken: a refresh is at work on the spare, which is not used
            if (spare.held()) blocks::settle_spare_states(engine.data_dir);
            if (spare.held() && spare_ready(engine)) return blocks::swap_in_spare(engine.data_dir);
            blocks::sync_in_place(engine, true, host.progress(), &plan);
        });
    }

    sdk::Status refresh_spare(sdk::Host &host, const sdk::RestoreJob &job) override {
        std::string mode = spare_mode(host);
        if (mode.empty()) return sdk::Status::failure(bad_spare_mode(host), std::string("run `dspace config set ") + warm_spare_key + " auto`");
        return guarded("refreshing the warm spare of space '" + job.server.space + "'", [&] {
            blocks::EngineJob engine = make_job(host, job.server.data_dir, job.payload_dir, job.page_size);
            blocks::SpareLock spare(engine.data_dir, true);
            bool wanted = mode == "on" || (mode == "auto" && blocks::reflink_granule(engine.store_root, engine.data_dir) > 0);
            if (!wanted) return blocks::remove_spare(engine.data_dir);
            blocks::make_spare_dir(engine.data_dir);
            engine.data_dir = blocks::spare_data_dir(engine.data_dir);
            if (!blocks::equals_by_state(engine)) blocks::sync_in_place(engine, true, host.progress());
        });
    }

    sdk::Status verify_payload(sdk::Host &host, std::string_view payload_dir) override {
        return guarded("checking snapshot blocks", [&] { blocks::verify_payload(store_root(host), std::string(payload_dir)); });
    }

    sdk::Result<std::uint64_t> collect_garbage(sdk::Host &host, const std::vector<std::string> &live_payload_dirs) override {
        std::uint64_t freed = 0;
        auto status = guarded("collecting unused blocks", [&] { freed = blocks::collect_garbage(store_root(host), live_payload_dirs); });
        if (!status.ok()) return status;
        return freed;
    }

    sdk::Result<sdk::StoreUsage> usage(sdk::Host &, std::string_view payload_dir, const std::vector<std::string> &live_payload_dirs) override {
        sdk::StoreUsage usage;
        auto status = guarded("measuring a snapshot's blocks", [&] {
            auto [own, shared] = blocks::store_usage(std::string(payload_dir), live_payload_dirs);
            usage.own_bytes = own;
            usage.shared_bytes = shared;
        });
        if (!status.ok()) return status;
        return usage;
    }

    sdk::Result<std::vector<sdk::BlockRef>> payload_blocks(sdk::Host &, std::string_view payload_dir) override {
        std::vector<sdk::BlockRef> refs;
        auto status = guarded("listing a snapshot's blocks", [&] { refs = blocks::payload_block_refs(std::string(payload_dir)); });
        if (!status.ok()) return status;
        return refs;
    }

    sdk::Result<std::vector<sdk::BlockRef>> missing_blocks(sdk::Host &host, const std::vector<sdk::BlockRef> &wanted) override {
        std::vector<sdk::BlockRef> missing;
        auto status = guarded("looking blocks up in the block store", [&] { missing = blocks::missing_block_refs(store_root(host), wanted); });
        if (!status.ok()) return status;
        return missing;
    }

    sdk::Status read_blocks(sdk::Host &host, const std::vector<sdk::BlockRef> &refs, const sdk::BlockSink &sink) override {
        return guarded("reading blocks", [&] { blocks::read_block_refs(store_root(host), refs, sink); });
    }

    sdk::Status add_blocks(sdk::Host &host, const sdk::BlockSource &next) override {
        return guarded("adding blocks to the block store", [&] { blocks::add_block_refs(store_root(host), next); });
    }

private:
    blocks::RestorePlan plan_; //!< what the last verify_restore found, for the restore_in_place that follows it

    static std::string store_root(sdk::Host &host) { return host.home_dir() + "/blocks"; }

    //! The warm spare setting: "auto" (also when unset), "on" or "off"; empty when it holds anything else.
    static std::string spare_mode(sdk::Host &host) {
        std::string mode = host.config().get(warm_spare_key).value_or("auto");
        return mode == "auto" || mode == "on" || mode == "off" ? mode : std::string();
    }

    //! What is wrong with a setting spare_mode rejects.
    static std::string bad_spare_mode(sdk::Host &host) {
        return std::string(warm_spare_key) + " is '" + host.config().get(warm_spare_key).value_or("") + "'; it must be auto, on or off";
    }

    //! True when the spare of engine.data_dir equals the snapshot (by its state: nothing is read).
    static bool spare_ready(const blocks::EngineJob &engine) {
        blocks::EngineJob spare = engine;
        spare.data_dir = blocks::spare_data_dir(engine.data_dir);
        return blocks::equals_by_state(spare);
    }

    static blocks::EngineJob make_job(sdk::Host &host, const std::string &data_dir, const std::string &payload_dir, std::uint32_t page_size) {
        blocks::EngineJob job;
        job.store_root = store_root(host);
        job.data_dir = data_dir;
        job.payload_dir = payload_dir;
        job.page_size = page_size == 0 ? 8192 : page_size;
        return job;
    }
};

void register_blocks(sdk::Registrar &registrar) {
    auto snapshotter = std::make_unique<BlocksSnapshotter>();
    BlocksSnapshotter &self = *snapshotter;
    registrar.add_snapshotter(std::move(snapshotter));
    registrar.provide<sdk::InPlaceRestore>("blocks", self);
    registrar.provide<sdk::SharedStore>("blocks", self);
    registrar.provide<sdk::BlockTransfer>("blocks", self);
    registrar.provide<sdk::WarmSpare>("blocks", self);
    registrar.add_config_key(warm_spare_key, sdk::ConfigKeyType::text,
                             "keep a ready copy of the snapshot last rolled back to, so that rolling back to it again is a swap of "
                             "directories: auto (the default: where the file system shares blocks between files, so it costs little "
                             "disk), on (also elsewhere: as much disk again as the space's data), or off");
}

} // namespace

DSPACE_PLUGIN(blocks, "0.1.0", DSPACE_KIND_SNAPSHOTTER, register_blocks)
