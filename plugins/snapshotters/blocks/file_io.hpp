// Small checked POSIX file helpers for the blocks snapshotter: every failure throws BlockError.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <sys/stat.h>

namespace dspace::blocks {

//! A failure with a user-facing message and a hint; turned into an sdk::Status at the plugin's edge.
class BlockError : public std::runtime_error {
public:
    //! message: what failed and why; hint: what to do next.
    BlockError(const std::string &message, std::string hint = {}) : std::runtime_error(message), hint_(std::move(hint)) {}
    //! What to do next.
    const std::string &hint() const { return hint_; }

private:
    std::string hint_;
};

//! Throws BlockError "what: strerror(errno)".
[[noreturn]] void throw_errno(const std::string &what);

//! An owned file descriptor, closed on destruction.
class Fd {
public:
    Fd() = default;
    //! Takes ownership of fd (may be -1).
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd &&other) noexcept : fd_(other.release()) {}
    Fd &operator=(Fd &&other) noexcept;
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    ~Fd();
    //! The descriptor, or -1.
    int get() const { return fd_; }
    //! Gives up ownership.
    int release() {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }

private:
    int fd_ = -1;
};

//! open(2) that throws on failure; what names the file in the message.
Fd open_checked(const std::string &path, int flags, unsigned mode = 0600);
//! Reads up to size bytes at offset (fewer only at end of file); returns the count.
std::size_t pread_some(int fd, void *buffer, std::size_t size, std::uint64_t offset, const std::string &what);
//! Writes all size bytes at offset.
void pwrite_all(int fd, const void *buffer, std::size_t size, std::uint64_t offset, const std::string &what);
//! fsync(2) a file or directory by path.
void fsync_path(const std::string &path);
//! syncfs(2) on the file system holding path.
void syncfs_path(const std::string &path);
//! lstat(2); false when the path does not exist.
bool lstat_if_exists(const std::string &path, struct stat &st);
//! Writes content to path atomically: temporary file, fsync, rename, fsync of the directory.
void write_file_durable(const std::string &path, const std::string &content, unsigned mode = 0600);
//! Removes path (a file) and fsyncs its directory; no error when it is absent.
void remove_file_durable(const std::string &path);
//! The directory part of path ("." when none).
std::string parent_of(const std::string &path);
//! Nanoseconds since the epoch of a timespec.
inline std::int64_t to_ns(const struct timespec &ts) { return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec; }
//! The wall clock now, in nanoseconds since the epoch.
std::int64_t now_ns();
//! This boot's id (/proc/sys/kernel/random/boot_id), or empty when unknown.
std::string boot_id();

} // namespace dspace::blocks
