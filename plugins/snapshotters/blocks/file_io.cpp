// Checked POSIX file helpers.
#include "file_io.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <unistd.h>

namespace dspace::blocks {

void throw_errno(const std::string &what) {
    int saved = errno;
    throw BlockError(what + ": " + std::strerror(saved), saved == ENOSPC || saved == EDQUOT ? "free some disk space and try again" : "");
}

Fd &Fd::operator=(Fd &&other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.release();
    }
    return *this;
}

Fd::~Fd() {
    if (fd_ >= 0) ::close(fd_);
}

Fd open_checked(const std::string &path, int flags, unsigned mode) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd < 0) throw_errno("cannot open " + path);
    return Fd(fd);
}

std::size_t pread_some(int fd, void *buffer, std::size_t size, std::uint64_t offset, const std::string &what) {
    std::size_t done = 0;
    while (done < size) {
        ssize_t n = ::pread(fd, static_cast<char *>(buffer) + done, size - done, off_t(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("cannot read " + what);
        if (n == 0) break;
        done += std::size_t(n);
    }
    return done;
}

void pwrite_all(int fd, const void *buffer, std::size_t size, std::uint64_t offset, const std::string &what) {
    std::size_t done = 0;
    while (done < size) {
        ssize_t n = ::pwrite(fd, static_cast<const char *>(buffer) + done, size - done, off_t(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("cannot write " + what);
        done += std::size_t(n);
    }
}

void fsync_path(const std::string &path) {
    Fd fd = open_checked(path, O_RDONLY);
    if (::fsync(fd.get()) != 0) throw_errno("cannot fsync " + path);
}

void syncfs_path(const std::string &path) {
    Fd fd = open_checked(path, O_RDONLY);
    if (::syncfs(fd.get()) != 0) throw_errno("cannot sync the file system of " + path);
}

bool lstat_if_exists(const std::string &path, struct stat &st) {
    if (::lstat(path.c_str(), &st) == 0) return true;
    if (errno == ENOENT) return false;
    throw_errno("cannot examine " + path);
}

std::string parent_of(const std::string &path) {
    auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

void write_file_durable(const std::string &path, const std::string &content, unsigned mode) {
    std::string tmp = path + ".tmp-" + std::to_string(std::random_device{}());
    {
        Fd fd = open_checked(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
        try {
            pwrite_all(fd.get(), content.data(), content.size(), 0, tmp);
            if (::fsync(fd.get()) != 0) throw_errno("cannot fsync " + tmp);
        } catch (...) {
            ::unlink(tmp.c_str());
            throw;
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int saved = errno;
        ::unlink(tmp.c_str());
        errno = saved;
        throw_errno("cannot rename " + tmp + " to " + path);
    }
    fsync_path(parent_of(path));
}

void remove_file_durable(const std::string &path) {
    if (::unlink(path.c_str()) != 0) {
        if (errno == ENOENT) return;
        throw_errno("cannot remove " + path);
    }
    fsync_path(parent_of(path));
}

std::int64_t now_ns() {
    struct timespec ts {};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return to_ns(ts);
}

std::string boot_id() {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string id;
    std::getline(in, id);
    return id;
}

} // namespace dspace::blocks
