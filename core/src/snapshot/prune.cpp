// Snapshots of removed spaces (orphans), and removing snapshots by age or orphanhood.
#include <dspace/core/error.hpp>
#include <dspace/core/names.hpp>
#include <dspace/core/snapshot.hpp>

#include <ctime>

namespace dspace {

namespace {

//! The time an ISO-8601 UTC text ("2026-12-02T03:04:05.678Z") names; nullopt when it names none.
std::optional<std::chrono::system_clock::time_point> parse_utc(const std::string &text) {
    std::tm tm{};
    const char *end = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (end == nullptr) return std::nullopt;
    return std::chrono::system_clock::from_time_t(::timegm(&tm));
}

} // namespace

bool SnapshotService::is_orphan(const SnapshotManifest &manifest) const {
    return !name_problem(manifest.space).empty() || !spaces_.exists(manifest.space);
}

void SnapshotService::remove_all(const std::string &space) {
    std::vector<std::string> names;
    for (const auto &m : store_->list(space)) names.push_back(m.name);
    if (!names.empty()) remove(space, names);
}

std::vector<SnapshotManifest> SnapshotService::prune(const PruneOptions &options) {
    if (!options.orphans && !options.older_than)
        throw UsageError("snapshot prune needs --orphans, --older-than DURATION, or both",
                         "`dspace snapshot ls --orphans` lists the snapshots of removed spaces");
    auto now = std::chrono::system_clock::now();
    std::vector<SnapshotManifest> doomed;
    for (const auto &m : store_->list(options.space)) {
        if (options.orphans && !is_orphan(m)) continue;
        if (options.older_than) {
            auto taken = parse_utc(m.created);
            if (!taken || now - *taken <= *options.older_than) continue;
        }
        doomed.push_back(m);
    }
    for (const auto &m : doomed) remove(m.space, {m.name});
    return doomed;
}

} // namespace dspace
