// Making, swapping in and removing the warm spare.
#include "warm_spare.hpp"

#include "extent_state.hpp"
#include "file_io.hpp"
#include "sync_state.hpp"
#include "tree_scan.hpp"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dspace::blocks {

namespace {

//! Exchanges the entries at a and b (renameat2 RENAME_EXCHANGE); when only one exists, moves it to the other.
void exchange(const std::string &a, const std::string &b) {
    if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0) return;
    if (errno != ENOENT) throw_errno("cannot exchange " + a + " and " + b);
    struct stat st {};
    bool from_a = lstat_if_exists(a, st);
    const std::string &from = from_a ? a : b, &to = from_a ? b : a;
    if ((from_a || lstat_if_exists(b, st)) && ::rename(from.c_str(), to.c_str()) != 0) throw_errno("cannot rename " + from + " to " + to);
}

//! Exchanges the state files of data_dir and of its spare (the state itself last), then syncs both directories.
void exchange_states(const std::string &data_dir) {
    std::string spare = spare_data_dir(data_dir);
    exchange(extents_path(data_dir), extents_path(spare));
    exchange(synced_list_path(data_dir), synced_list_path(spare));
    exchange(state_path(data_dir), state_path(spare));
    fsync_path(parent_of(data_dir));
    fsync_path(parent_of(spare));
}

} // namespace

SpareLock::SpareLock(const std::string &data_dir, bool wait) {
    std::string path = parent_of(data_dir) + "/blocks.spare.lock";
    fd_ = open_checked(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0600);
    int rc;
    while ((rc = ::flock(fd_.get(), wait ? LOCK_EX : LOCK_EX | LOCK_NB)) != 0 && errno == EINTR) {
    }
    if (rc != 0 && errno != EWOULDBLOCK) throw_errno("cannot lock " + path);
    held_ = rc == 0;
}

std::string spare_data_dir(const std::string &data_dir) { return parent_of(data_dir) + "/blocks.spare/data"; }

void make_spare_dir(const std::string &data_dir) {
    std::string spare = spare_data_dir(data_dir), parent = parent_of(spare);
    struct stat live {}, st {};
    if (::lstat(data_dir.c_str(), &live) != 0) throw_errno("cannot examine " + data_dir);
    if (::mkdir(parent.c_str(), 0700) != 0 && errno != EEXIST) throw_errno("cannot create " + parent);
    if (!lstat_if_exists(parent, st) || !S_ISDIR(st.st_mode)) // never through a symbolic link planted there
        throw BlockError(parent + " is not a directory", "remove it; the next rollback makes the spare again");
    bool exists = lstat_if_exists(spare, st);
    if (exists && !S_ISDIR(st.st_mode)) throw BlockError(spare + " is not a directory", "remove it; the next rollback makes the spare again");
    if (!exists && ::mkdir(spare.c_str(), 0700) != 0) throw_errno("cannot create " + spare);
    // Also when it exists: a refresh killed between the mkdir and these leaves them undone.
    if (::geteuid() == 0 && ::lchown(spare.c_str(), live.st_uid, live.st_gid) != 0) throw_errno("cannot hand " + spare + " to the server's OS user");
    if (::chmod(spare.c_str(), live.st_mode & 07777) != 0) throw_errno("cannot set the mode of " + spare);
    if (!exists) fsync_path(parent);
}

void swap_in_spare(const std::string &data_dir) {
    std::string spare = spare_data_dir(data_dir);
    if (::renameat2(AT_FDCWD, data_dir.c_str(), AT_FDCWD, spare.c_str(), RENAME_EXCHANGE) != 0)
        throw_errno("cannot exchange " + data_dir + " and its warm spare " + spare);
    fsync_path(parent_of(data_dir));
    fsync_path(parent_of(spare));
    exchange_states(data_dir);
}

void settle_spare_states(const std::string &data_dir) {
    std::string spare = spare_data_dir(data_dir), there = directory_identity(spare);
    if (there.empty() || recorded_identity(data_dir) != there || recorded_identity(spare) == there) return;
    exchange_states(data_dir);
}

void remove_spare(const std::string &data_dir) {
    std::string spare = spare_data_dir(data_dir), parent = parent_of(spare);
    struct stat st {};
    if (!lstat_if_exists(parent, st)) return;
    if (S_ISDIR(st.st_mode)) forget_state(spare);
    remove_tree(parent); // (a symbolic link planted there is unlinked, never followed)
    fsync_path(parent_of(data_dir));
}

} // namespace dspace::blocks
