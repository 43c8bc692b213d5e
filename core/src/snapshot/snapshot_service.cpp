// Taking, removing, copying and verifying snapshots.
#include <dspace/core/error.hpp>
#include <dspace/core/names.hpp>
#include <dspace/core/snapshot.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <numeric>

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

//! Runs fn with the space's server in the condition a snapshot needs and restores that condition afterwards,
//! also when fn throws: logical needs it running; physical needs it stopped (clean) or frozen (online).
void with_server_prepared(sdk::Host &host, SpaceManager &spaces, SpaceState &state, sdk::SnapshotMethod method, bool online,
                          const std::function<void()> &fn) {
    SpaceStatus status = spaces.status(state);
    std::function<void()> before, after;
    if (method == sdk::SnapshotMethod::logical) {
        if (status == SpaceStatus::stopped) {
            before = [&] { spaces.start_locked(state); };
            after = [&] { spaces.stop_locked(state, false); };
        } else if (status == SpaceStatus::paused) {
            before = [&] { spaces.thaw_locked(state); };
            after = [&] { spaces.freeze_locked(state); };
        }
    } else if (status == SpaceStatus::running && online) {
        throw_if_failed(spaces.flavour(state).check_online_snapshot(host, spaces.server(state)));
        before = [&] { spaces.freeze_locked(state); };
        after = [&] { spaces.thaw_locked(state); };
    } else if (status == SpaceStatus::running) {
        before = [&] { spaces.stop_locked(state, false); };
        after = [&] { spaces.start_locked(state); };
    }
    if (before) before();
    try {
        fn();
    } catch (...) {
        if (after) after();
        throw;
    }
    if (after) after();
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
    if (const auto *parent = latest(existing, "", options.name)) manifest.parent = parent->name;

    sdk::SnapshotJob job;
    job.flavour = &spaces_.flavour(state);
    job.page_size = page_size(state);
    job.logical_dump = plugins_.capability<sdk::LogicalDump>(state.flavour);
    if (const SnapshotManifest *previous = latest(existing, snapshotter.name(), options.name))
        job.previous_payload_dir = store_->payload_dir(state.name, previous->name).string();

    StagedSnapshot staged = store_->stage(state.name, options.name);
    try {
        job.payload_dir = staged.payload_dir.string();
        with_server_prepared(host_, spaces_, state, snapshotter.method(), options.online, [&] {
            job.server = spaces_.server(state);
            throw_if_failed(snapshotter.snapshot(host_, job));
        });
        manifest.created = utc_now_ms();
        manifest.files = scan_payload(staged.payload_dir);
        manifest.size_bytes = std::accumulate(manifest.files.begin(), manifest.files.end(), std::uint64_t{0},
                                              [](std::uint64_t sum, const ManifestFile &f) { return sum + f.size; });
        store_->publish(staged, manifest, options.force);
    } catch (...) {
        store_->discard(staged);
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
