// Copying a directory tree in one pass (template clusters, a space's data): modes kept, owner set, every
// read and write checked; a failed copy removes what it wrote.
#include "internal.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/interrupt.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace dspace {

namespace {

[[noreturn]] void copy_failed(const std::filesystem::path &path, int error) {
    throw Error("cannot copy " + path.string() + ": " + std::strerror(error),
                error == ENOSPC ? "free some disk space and try again" : "");
}

//! Closes a descriptor when it goes out of scope.
struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

//! Writes all of data to out, or throws naming to.
void write_all(int out, const char *data, size_t size, const std::filesystem::path &to) {
    while (size > 0) {
        ssize_t n = ::write(out, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) copy_failed(to, n < 0 ? errno : ENOSPC);
        data += n;
        size -= static_cast<size_t>(n);
    }
}

//! Copies what is left of in to out with read/write (where copy_file_range is not supported).
void copy_by_reading(int in, int out, const std::filesystem::path &from, const std::filesystem::path &to) {
    std::vector<char> buf(1 << 16);
    for (;;) {
        ssize_t r = ::read(in, buf.data(), buf.size());
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) copy_failed(from, errno);
        if (r == 0) return;
        write_all(out, buf.data(), static_cast<size_t>(r), to);
    }
}

void copy_file_owned(const std::filesystem::path &from, const std::filesystem::path &to, const struct stat &st, Owner owner) {
    Fd in{::open(from.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
    if (in.fd < 0) copy_failed(from, errno);
    Fd out{::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 07777)};
    if (out.fd < 0) copy_failed(to, errno);
    off_t left = st.st_size;
    while (left > 0) {
        ssize_t n = ::copy_file_range(in.fd, nullptr, out.fd, nullptr, static_cast<size_t>(left), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) break; // the file shrank
        if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP || errno == ENOSYS)) {
            copy_by_reading(in.fd, out.fd, from, to);
            break;
        }
        if (n < 0) copy_failed(to, errno);
        left -= n;
    }
    if (::fchown(out.fd, owner.uid, owner.gid) != 0 || ::fchmod(out.fd, st.st_mode & 07777) != 0) copy_failed(to, errno);
    int fd = out.fd;
    out.fd = -1;
    if (::close(fd) != 0) copy_failed(to, errno); // a delayed write error (NFS, full disk) surfaces here
}

void copy_tree_into(const std::filesystem::path &from, const std::filesystem::path &to, Owner owner,
                    const std::function<void(std::uint64_t)> &copied) {
    struct stat st {};
    if (::lstat(from.c_str(), &st) != 0) copy_failed(from, errno);
    if (::mkdir(to.c_str(), st.st_mode & 07777) != 0) copy_failed(to, errno);
    if (::lchown(to.c_str(), owner.uid, owner.gid) != 0 || ::chmod(to.c_str(), st.st_mode & 07777) != 0) copy_failed(to, errno);
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(from, ec)) {
        check_interrupted();
        auto target = to / entry.path().filename();
        struct stat est {};
        if (::lstat(entry.path().c_str(), &est) != 0) copy_failed(entry.path(), errno);
        if (S_ISDIR(est.st_mode)) {
            copy_tree_into(entry.path(), target, owner, copied);
        } else if (S_ISREG(est.st_mode)) {
            copy_file_owned(entry.path(), target, est, owner);
            if (copied) copied(static_cast<std::uint64_t>(est.st_size));
        } else if (S_ISLNK(est.st_mode)) {
            auto link = std::filesystem::read_symlink(entry.path());
            if (::symlink(link.c_str(), target.c_str()) != 0 || ::lchown(target.c_str(), owner.uid, owner.gid) != 0)
                copy_failed(target, errno);
        }
    }
    if (ec) throw Error("cannot read " + from.string() + ": " + ec.message());
}

} // namespace

TreeStats tree_stats(const std::filesystem::path &root) {
    TreeStats stats;
    std::error_code ec;
    if (!fs::is_real_dir(root)) return stats;
    for (auto it = std::filesystem::recursive_directory_iterator(root, ec); !ec && it != std::filesystem::recursive_directory_iterator();
         it.increment(ec)) {
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
            ++stats.files;
            stats.bytes += static_cast<std::uint64_t>(st.st_size);
        }
    }
    return stats;
}

void copy_tree_owned(const std::filesystem::path &from, const std::filesystem::path &to, Owner owner,
                     const std::function<void(std::uint64_t)> &copied) {
    struct stat st {};
    if (::lstat(to.c_str(), &st) == 0) copy_failed(to, EEXIST); // never delete what was there before
    try {
        copy_tree_into(from, to, owner, copied);
    } catch (...) {
        fs::remove_tree(to); // no partial copy stays
        throw;
    }
}

} // namespace dspace
