// Copying a template cluster into a new data directory in one pass: modes kept, owner set.
#include "internal.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/interrupt.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace dspace {

namespace {

[[noreturn]] void copy_failed(const std::filesystem::path &path) {
    throw Error("cannot copy the template cluster to " + path.string() + ": " + std::strerror(errno),
                errno == ENOSPC ? "free some disk space and try again" : "");
}

void copy_file_owned(const std::filesystem::path &from, const std::filesystem::path &to, const struct stat &st, Owner owner) {
    int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) copy_failed(from);
    int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777);
    if (out < 0) {
        ::close(in);
        copy_failed(to);
    }
    off_t left = st.st_size;
    while (left > 0) {
        ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, static_cast<size_t>(left), 0);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            if (n == 0) break; // file shrank
            // copy_file_range unsupported here: plain read/write.
            std::vector<char> buf(1 << 16);
            ssize_t r;
            while ((r = ::read(in, buf.data(), buf.size())) > 0)
                if (::write(out, buf.data(), static_cast<size_t>(r)) != r) break;
            break;
        }
        left -= n;
    }
    bool ok = ::fchown(out, owner.uid, owner.gid) == 0 && ::fchmod(out, st.st_mode & 07777) == 0;
    ::close(in);
    if (::close(out) != 0 || !ok) copy_failed(to);
}

} // namespace

void copy_tree_owned(const std::filesystem::path &from, const std::filesystem::path &to, Owner owner) {
    struct stat st {};
    if (::lstat(from.c_str(), &st) != 0) copy_failed(from);
    if (::mkdir(to.c_str(), st.st_mode & 07777) != 0) copy_failed(to);
    if (::chown(to.c_str(), owner.uid, owner.gid) != 0 || ::chmod(to.c_str(), st.st_mode & 07777) != 0) copy_failed(to);
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(from, ec)) {
        check_interrupted();
        auto target = to / entry.path().filename();
        struct stat est {};
        if (::lstat(entry.path().c_str(), &est) != 0) copy_failed(entry.path());
        if (S_ISDIR(est.st_mode)) {
            copy_tree_owned(entry.path(), target, owner);
        } else if (S_ISREG(est.st_mode)) {
            copy_file_owned(entry.path(), target, est, owner);
        } else if (S_ISLNK(est.st_mode)) {
            auto link = std::filesystem::read_symlink(entry.path());
            if (::symlink(link.c_str(), target.c_str()) != 0 || ::lchown(target.c_str(), owner.uid, owner.gid) != 0)
                copy_failed(target);
        }
    }
    if (ec) throw Error("cannot read the template cluster " + from.string() + ": " + ec.message());
}

} // namespace dspace
