// Copying an immutable snapshot payload cheaply: directories recreated, regular files hard-linked.
#include "store_files.hpp"

#include <dspace/core/error.hpp>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace dspace {

namespace {

[[noreturn]] void link_failed(const std::filesystem::path &path) {
    throw Error("cannot copy the snapshot payload to " + path.string() + ": " + std::strerror(errno),
                errno == ENOSPC ? "free some disk space and try again" : "");
}

} // namespace

void link_tree(const std::filesystem::path &from, const std::filesystem::path &to) {
    struct stat st {};
    if (::lstat(from.c_str(), &st) != 0) link_failed(from);
    if (::mkdir(to.c_str(), 0700) != 0) link_failed(to);
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(from, ec)) {
        auto target = to / entry.path().filename();
        struct stat est {};
        if (::lstat(entry.path().c_str(), &est) != 0) link_failed(entry.path());
        if (S_ISDIR(est.st_mode)) {
            link_tree(entry.path(), target);
        } else if (S_ISLNK(est.st_mode)) {
            auto link = std::filesystem::read_symlink(entry.path());
            if (::symlink(link.c_str(), target.c_str()) != 0) link_failed(target);
            if (::lchown(target.c_str(), est.st_uid, est.st_gid) != 0 && errno != EPERM) link_failed(target);
        } else if (::link(entry.path().c_str(), target.c_str()) != 0) {
            link_failed(target);
        }
    }
    if (ec) throw Error("cannot read the snapshot payload " + from.string() + ": " + ec.message());
    if ((::lchown(to.c_str(), st.st_uid, st.st_gid) != 0 && errno != EPERM) || ::chmod(to.c_str(), st.st_mode & 07777) != 0)
        link_failed(to);
}

} // namespace dspace
