// A ready copy of each template cluster ("<template>.spare") so that create renames a
// directory instead of copying ~1000 files; the spare is refilled in the background.
//
// "<template>.spare.complete" records the file count and total size of the spare, written only after the
// spare was copied without error, synced, and found to match the template. A spare without a marker, or that
// does not match it (a refill cut short, files damaged since), is discarded and rebuilt.
#include "internal.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace dspace {

namespace {

std::filesystem::path spare_of(const std::filesystem::path &cached) { return cached.string() + ".spare"; }
std::filesystem::path marker_of(const std::filesystem::path &cached) { return cached.string() + ".spare.complete"; }

//! Opens (creating, never through a link) the flock file that serialises refills and takes of the spare.
int open_spare_lock(const std::filesystem::path &cached) {
    return ::open((cached.string() + ".spare.lock").c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
}

std::string marker_text(const TreeStats &stats) {
    return "files " + std::to_string(stats.files) + " bytes " + std::to_string(stats.bytes) + "\n";
}

//! True when the spare is a directory owned by owner whose contents match its completeness marker.
bool spare_is_complete(const std::filesystem::path &cached, Owner owner) {
    struct stat st {};
    auto spare = spare_of(cached);
    if (::lstat(spare.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != owner.uid) return false;
    try {
        return fs::read_file(marker_of(cached)) == marker_text(tree_stats(spare));
    } catch (const Error &) {
        return false; // no marker: the spare was never finished
    }
}

//! In a detached grandchild: copies the template into a temporary directory, syncs it and renames it
//! into place as the spare, unless another refill holds the lock or a spare already exists.
[[noreturn]] void refill(const std::filesystem::path &cached, Owner owner) {
    int status = 1;
    try {
        int lock = open_spare_lock(cached);
        std::error_code ec;
        if (lock >= 0 && ::flock(lock, LOCK_EX | LOCK_NB) == 0 && !std::filesystem::exists(spare_of(cached), ec)) {
            // Leftovers of a refill that was killed: we hold the lock, so nobody else is writing them.
            const std::string stale_prefix = spare_of(cached).filename().string() + ".tmp-";
            for (const auto &entry : std::filesystem::directory_iterator(cached.parent_path(), ec))
                if (entry.path().filename().string().rfind(stale_prefix, 0) == 0) fs::remove_tree(entry.path());
            auto staging = std::filesystem::path(spare_of(cached).string() + ".tmp-" + random_token());
            copy_tree_owned(cached, staging, owner);
            fs::fsync_tree(staging); // a spare that survives a crash must hold complete files
            TreeStats copied = tree_stats(staging);
            if (!(copied == tree_stats(cached))) throw Error("the spare copy of " + cached.string() + " is incomplete");
            fs::rename_durable(staging, spare_of(cached));
            fs::write_file_atomic(marker_of(cached), marker_text(copied), 0600);
        }
        status = 0;
    } catch (...) {
    }
    _exit(status);
}

//! Starts refill() fully detached: its own session, no inherited descriptors (so no locks), stdio on /dev/null.
void start_refill(const std::filesystem::path &cached, Owner owner) {
    pid_t child = ::fork();
    if (child != 0) {
        if (child > 0) ::waitpid(child, nullptr, 0);
        return;
    }
    ::setsid();
    ::close_range(3, ~0U, 0);
    int null = ::open("/dev/null", O_RDWR);
    for (int fd = 0; fd <= 2; ++fd) ::dup2(null, fd);
    if (::fork() == 0) refill(cached, owner); // the grandchild is re-parented to init
    _exit(0);
}

} // namespace

void fill_from_template(const std::filesystem::path &cached, const std::filesystem::path &dir, Owner owner) {
    auto spare = spare_of(cached);
    bool taken = false;
    {
        // Under the refill lock, so a refill is never judged (or discarded) half-written.
        int lock = open_spare_lock(cached);
        if (lock >= 0 && ::flock(lock, LOCK_EX | LOCK_NB) == 0) {
            bool complete = spare_is_complete(cached, owner);
            fs::remove_tree(marker_of(cached)); // the marker describes this spare only
            if (complete) taken = ::rename(spare.c_str(), dir.c_str()) == 0;
            else fs::remove_tree(spare); // incomplete or damaged: never used, rebuilt by the refill below
        }
        if (lock >= 0) ::close(lock);
    }
    if (!taken) copy_tree_owned(cached, dir, owner);
    start_refill(cached, owner);
}

} // namespace dspace
