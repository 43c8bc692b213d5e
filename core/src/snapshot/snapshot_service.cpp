// Taking, removing, copying and verifying snapshots.
#include <dspace/core/error.hpp>
#include <dspace/core/interrupt.hpp>
#include <dspace/core/migrate.hpp>
#include <dspace/core/names.hpp>
#include <dspace/core/snapshot.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <numeric>
#include <optional>
#include <tuple>

namespace dspace {

namespace {

//! Now as ISO-8601 UTC with milliseconds, so that snapshots taken within a second still sort in order.
std::string utc_now_ms() {
    auto now = std::chrono::system_clock::now();
    std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm {};
    ::gmtime_r(&seconds, &tm);
    char text[40];
    std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(ms));
    return text;
}

//! Runs fn with the space's server in the condition a snapshot needs and brings it back afterwards (also when
//! fn throws, dspace is interrupted, or killed: then the next command does): logical needs it running;
//! physical needs it stopped (clean) or frozen (online), after the flavour's Quiesce (when it has one) flushed
//! the running server.
void with_server_prepared(sdk::Host &host, SpaceManager &spaces, SpaceState &state, sdk::SnapshotMethod method, bool online,
                          sdk::Quiesce *quiesce, const std::function<void()> &fn) {
    SpaceStatus status = spaces.status(state);
    if (method == sdk::SnapshotMethod::physical && status == SpaceStatus::running && quiesce != nullptr)
        throw_if_failed(quiesce->flush(host, spaces.server(state)));
    std::optional<ServerChange> change;
    if (method == sdk::SnapshotMethod::logical) {
        if (status == SpaceStatus::stopped) change = ServerChange::start;
        else if (status == SpaceStatus::paused) change = ServerChange::thaw;
    } else if (status == SpaceStatus::running && online) {
        throw_if_failed(spaces.flavour(state).check_online_snapshot(host, spaces.server(state)));
        change = ServerChange::freeze;
    } else if (status == SpaceStatus::running) {
        change = ServerChange::stop;
    }
    if (change) spaces.with_server_changed_locked(state, *change, fn);
    else fn();
}

//! The space's latest snapshot other than except (by any snapshotter when snapshotter is empty), or nullptr.
const SnapshotManifest *latest(const std::vector<SnapshotManifest> &snapshots, const std::string &snapshotter, const std::string &except) {
    const SnapshotManifest *found = nullptr;
    for (const auto &m : snapshots)
        if ((snapshotter.empty() || m.snapshotter == snapshotter) && m.name != except) found = &m; // list() is oldest first
    return found;
}

//! Runs fn holding space's lock, or without a lock when the space no longer exists (its snapshots outlive it).
void under_lock_if_exists(SpaceManager &spaces, const std::string &space, const std::function<void()> &fn) {
    if (space.empty() || !spaces.exists(space)) return fn();
    FileLock lock = spaces.lock(space);
    fn();
}

} // namespace

SnapshotService::SnapshotService(HostServices &host, PluginHost &plugins, SpaceManager &spaces)
    : host_(host), plugins_(plugins), spaces_(spaces), store_(make_local_snapshot_store(host.paths().snapshots_dir())) {}

SnapshotService::~SnapshotService() = default;

sdk::LogicalDump *SnapshotService::logical_dump_for(const SpaceState &state, sdk::Snapshotter &snapshotter, const std::string &verb) {
    sdk::LogicalDump *dump = plugins_.capability<sdk::LogicalDump>(state.flavour);
    if (dump == nullptr && snapshotter.method() == sdk::SnapshotMethod::logical)
        throw Error("the " + state.flavour + " flavour of space '" + state.name + "' has no logical dumps, so the logical snapshotter '" +
                        snapshotter.name() + "' cannot " + verb + " it",
                    "use a physical snapshotter, e.g. `--snapshotter rsync` (`dspace plugins` lists them)");
    return dump;
}

std::uint32_t SnapshotService::page_size_of(const SpaceState &state, const sdk::Server &server) {
    sdk::PageLayout *layout = plugins_.capability<sdk::PageLayout>(state.flavour);
    return layout != nullptr ? layout->page_size(server) : sdk::SnapshotJob{}.page_size;
}

void SnapshotService::recover_snapshot_leftovers(const std::string &space) {
    std::vector<std::string> names;
    if (!space.empty()) names.push_back(space);
    else
        for (const auto &s : spaces_.list()) names.push_back(s.name);
    for (const auto &name : names) {
        if (!spaces_.exists(name)) continue;
        FileLock lock = spaces_.lock(name);
        recover_data_leftovers(name);
        store_->recover(name);
    }
    if (space.empty()) store_->recover("");
}

SnapshotManifest SnapshotService::take(const SnapshotOptions &options) {
    validate_name(options.name, "snapshot");
    recover_snapshot_leftovers(options.space);
    FileLock lock = spaces_.lock(options.space);
    SpaceState state = spaces_.load(options.space);
    std::string snapshotter_name = options.snapshotter;
    if (snapshotter_name.empty()) snapshotter_name = host_.config().get("snapshots.default_snapshotter").value_or("blocks");
    sdk::Snapshotter &snapshotter = plugins_.snapshotter(snapshotter_name);
    if (store_->exists(state.name, options.name) && !options.force)
        throw Error("snapshot '" + options.name + "' of space '" + state.name + "' already exists",
                    "pick another name, or pass --force to replace it");

    auto existing = store_->list(state.name);
    SnapshotManifest manifest;
    manifest.space = state.name;
    manifest.source_space = state.name;
    manifest.space_created = state.created;
    manifest.space_user = state.user;
    manifest.space_database = state.database;
    manifest.name = options.name;
    manifest.flavour = state.flavour;
    manifest.server_version = state.version;
    manifest.snapshotter = snapshotter.name();
    manifest.method = snapshotter.method() == sdk::SnapshotMethod::logical ? "logical" : "physical";
    manifest.message = options.message;
    if (!options.migration_tool.empty()) std::tie(manifest.migration_tool, manifest.migration_head) = std::pair(options.migration_tool, options.migration_head);
    else std::tie(manifest.migration_tool, manifest.migration_head) = read_migration_head(host_, plugins_, spaces_, state);
    if (const auto *parent = latest(existing, "", options.name)) manifest.parent = parent->name;

    sdk::SnapshotJob job;
    job.flavour = &spaces_.flavour(state);
    job.logical_dump = logical_dump_for(state, snapshotter, "snapshot");
    if (const SnapshotManifest *previous = latest(existing, snapshotter.name(), options.name))
        job.previous_payload_dir = store_->payload_dir(state.name, previous->name).string();

    InterruptScope interrupts;
    StagedSnapshot staged = store_->stage(state.name, options.name);
    try {
        job.payload_dir = staged.payload_dir.string();
        with_server_prepared(host_, spaces_, state, snapshotter.method(), options.online,
                             plugins_.capability<sdk::Quiesce>(state.flavour), [&] {
            job.server = spaces_.server(state);
            job.page_size = page_size_of(state, job.server);
            throw_if_failed(snapshotter.snapshot(host_, job));
            check_interrupted();
        });
        manifest.created = utc_now_ms();
        manifest.files = scan_payload(staged.payload_dir);
        manifest.size_bytes = std::accumulate(manifest.files.begin(), manifest.files.end(), std::uint64_t{0},
                                              [](std::uint64_t sum, const ManifestFile &f) { return sum + f.size; });
        check_interrupted();
        store_->publish(staged, manifest, options.force);
    } catch (...) {
        store_->discard(staged);
        if (take_interrupt())
            throw Error("snapshot '" + options.name + "' of space '" + state.name + "' was interrupted: its partial output was removed and the space is " +
                            to_string(spaces_.status(spaces_.load(state.name))) + " as before",
                        "run the command again to take the snapshot");
        throw;
    }
    return manifest;
}

void SnapshotService::remove(const std::string &space, const std::vector<std::string> &snaps) {
    recover_snapshot_leftovers(space);
    bool shared = false;
    under_lock_if_exists(spaces_, space, [&] {
        for (const auto &snap : snaps) {
            if (store_->exists(space, snap) && plugins_.capability<sdk::SharedStore>(store_->read(space, snap).snapshotter)) shared = true;
            store_->remove(space, snap);
        }
    });
    if (shared) collect_garbage(); // blocks only the removed snapshots used
}

void SnapshotService::copy_snapshot(const std::string &space, const std::string &snap, const std::string &new_snap,
                                    const std::string &to_space) {
    std::string target = to_space.empty() ? space : to_space;
    validate_name(new_snap, "snapshot");
    validate_name(target, "space");
    recover_snapshot_leftovers(target);
    if (target != space && spaces_.exists(target)) {
        SnapshotManifest manifest = store_->read(space, snap);
        SpaceState other = spaces_.load(target);
        if (manifest.flavour != other.flavour || manifest.server_version != other.version)
            throw Error("snapshot '" + space + "/" + snap + "' holds " + manifest.flavour + " " + manifest.server_version +
                            " data, which space '" + target + "' (" + other.flavour + " " + other.version + ") cannot run",
                        "copy it to a space of the same flavour and version, or make one with `dspace create NEW --from-snapshot " +
                            space + "/" + snap + "`");
    }
    under_lock_if_exists(spaces_, target, [&] { store_->copy(space, snap, target, new_snap); });
}

std::vector<StoreProblem> SnapshotService::verify(const std::string &space, bool repair) {
    std::vector<StoreProblem> problems;
    under_lock_if_exists(spaces_, space, [&] { problems = store_->verify(space, false); });
    std::vector<StoreProblem> damaged = verify_shared(space);
    problems.insert(problems.end(), damaged.begin(), damaged.end());
    if (!repair) return problems;
    recover_snapshot_leftovers(space);
    under_lock_if_exists(spaces_, space, [&] {
        store_->verify(space, true);
        for (const auto &p : damaged)
            if (store_->exists(p.space, p.name)) store_->remove(p.space, p.name);
    });
    return problems;
}

} // namespace dspace
