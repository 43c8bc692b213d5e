#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/housekeeping.hpp>
#include <dspace/core/lock.hpp>

#include <algorithm>
#include <chrono>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace dspace {

namespace {

std::filesystem::path templates_dir(const Paths &paths) { return paths.cache_dir() / "templates"; }

//! path relative to the home, as gc reports it ("cache/templates/.tmp-postgres-15-ab12").
std::string cache_relative(const Paths &paths, const std::filesystem::path &path) {
    return path.lexically_relative(paths.home()).string();
}

bool ends_with(const std::string &text, const std::string &suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

//! True when nobody holds an flock on lock_file (a missing file counts as free).
bool lock_free(const std::filesystem::path &lock_file) {
    int fd = ::open(lock_file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return true;
    bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
    ::close(fd);
    return free;
}

//! Renames dir aside (so it vanishes at once for readers) and deletes it; returns its size.
std::uint64_t remove_dir(const std::filesystem::path &dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(std::filesystem::symlink_status(dir, ec))) return 0;
    std::uint64_t size = fs::tree_size(dir);
    auto aside = dir.parent_path() / (".removing-" + dir.filename().string());
    std::filesystem::rename(dir, aside, ec);
    if (ec) throw Error("cannot remove " + dir.string() + ": " + ec.message());
    fs::remove_tree(aside);
    return size;
}

} // namespace

std::vector<CachedTemplate> cached_templates(const Paths &paths) {
    std::vector<CachedTemplate> found;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(templates_dir(paths), ec)) {
        std::string name = entry.path().filename().string();
        if (name.empty() || name[0] == '.' || !entry.is_directory(ec) || name.find(".spare") != std::string::npos) continue;
        CachedTemplate t;
        t.name = name;
        t.size_bytes = fs::tree_size(entry.path());
        auto spare = templates_dir(paths) / (name + ".spare");
        t.has_spare = std::filesystem::is_directory(spare, ec);
        if (t.has_spare) t.size_bytes += fs::tree_size(spare);
        found.push_back(t);
    }
    std::sort(found.begin(), found.end(), [](const auto &a, const auto &b) { return a.name < b.name; });
    return found;
}

std::uint64_t clear_template_cache(const Paths &paths) {
    std::uint64_t freed = 0;
    for (const auto &t : cached_templates(paths)) {
        auto dir = templates_dir(paths);
        FileLock building(dir / (t.name + ".lock"), "the template cluster cache", std::chrono::minutes(5));
        FileLock refilling(dir / (t.name + ".spare.lock"), "the spare template " + t.name, std::chrono::minutes(5));
        freed += remove_dir(dir / (t.name + ".spare"));
        freed += remove_dir(dir / t.name);
    }
    return freed;
}

std::vector<Freed> remove_orphaned_temporaries(const Paths &paths) {
    std::vector<Freed> freed;
    std::error_code ec;
    auto dir = templates_dir(paths);
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec)) {
        std::string name = entry.path().filename().string();
        std::filesystem::path lock;
        if (name.rfind(".tmp-", 0) == 0) { // a template build: .tmp-<flavour>-<version>-<token>
            std::string base = name.substr(5, name.rfind('-') - 5);
            lock = dir / (base + ".lock");
        } else if (auto at = name.find(".spare.tmp-"); at != std::string::npos) {
            lock = dir / (name.substr(0, at) + ".spare.lock");
        } else if (name.rfind(".removing-", 0) != 0) {
            continue;
        }
        if (!lock.empty() && !lock_free(lock)) continue; // a build or refill is at work on it
        freed.push_back({"leftover " + cache_relative(paths, entry.path()), remove_dir(entry.path())});
    }
    auto day_ago = std::filesystem::file_time_type::clock::now() - std::chrono::hours(24);
    for (const auto &plugin : std::filesystem::directory_iterator(paths.cache_dir(), ec)) {
        if (plugin.path().filename() == "templates" || !plugin.is_directory(ec)) continue;
        for (const auto &entry : std::filesystem::directory_iterator(plugin.path(), ec)) {
            if (!entry.is_regular_file(ec) || entry.last_write_time(ec) > day_ago) continue;
            std::uint64_t size = entry.file_size(ec);
            if (std::filesystem::remove(entry.path(), ec)) freed.push_back({"old scratch file " + cache_relative(paths, entry.path()), size});
        }
    }
    return freed;
}

} // namespace dspace
