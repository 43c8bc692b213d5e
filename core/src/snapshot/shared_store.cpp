// Snapshotters whose snapshots share one store (SharedStore): usage, verification and garbage collection.
// The core decides which snapshots are live; the store never deletes on its own.
#include <dspace/core/error.hpp>
#include <dspace/core/snapshot.hpp>

#include <algorithm>
#include <memory>
#include <set>

namespace dspace {

std::vector<std::string> SnapshotService::live_payload_dirs(const std::string &snapshotter) {
    std::vector<std::string> dirs;
    for (const auto &m : store_->list(""))
        if (m.snapshotter == snapshotter) dirs.push_back(store_->payload_dir(m.space, m.name).string());
    return dirs;
}

std::optional<sdk::StoreUsage> SnapshotService::usage(const SnapshotManifest &m) {
    auto *shared = plugins_.capability<sdk::SharedStore>(m.snapshotter);
    if (!shared) return std::nullopt;
    auto result = shared->usage(host_, store_->payload_dir(m.space, m.name).string(), live_payload_dirs(m.snapshotter));
    throw_if_failed(result.status());
    return *result;
}

std::uint64_t SnapshotService::collect_garbage() {
    // Every space's lock, in name order: no snapshot is being taken (its blocks written but not yet published)
    // and no rollback reads the store while the live snapshots are listed and the store collected.
    std::vector<std::string> names;
    for (const auto &s : spaces_.list()) names.push_back(s.name);
    std::sort(names.begin(), names.end());
    for (const auto &name : names) recover_snapshot_leftovers(name);
    std::vector<std::unique_ptr<FileLock>> locks;
    for (const auto &name : names)
        if (spaces_.exists(name)) locks.emplace_back(new FileLock(spaces_.lock(name)));
    std::set<std::string> snapshotters;
    for (const auto &m : store_->list("")) snapshotters.insert(m.snapshotter);
    for (const auto *loaded : plugins_.snapshotters()) snapshotters.insert(loaded->name());
    std::uint64_t freed = 0;
    for (const auto &name : snapshotters) {
        auto *shared = plugins_.capability<sdk::SharedStore>(name);
        if (!shared) continue;
        auto result = shared->collect_garbage(host_, live_payload_dirs(name));
        throw_if_failed(result.status());
        freed += *result;
    }
    return freed;
}

std::vector<StoreProblem> SnapshotService::verify_shared(const std::string &space) {
    std::vector<StoreProblem> problems;
    for (const auto &m : store_->list(space)) {
        auto *shared = plugins_.capability<sdk::SharedStore>(m.snapshotter);
        if (!shared) continue;
        sdk::Status checked = shared->verify_payload(host_, store_->payload_dir(m.space, m.name).string());
        if (!checked.ok()) problems.push_back({m.space, m.name, checked.message()});
    }
    return problems;
}

} // namespace dspace
