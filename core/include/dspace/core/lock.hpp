// Advisory locks (flock) that serialise commands on one space, snapshot or file.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

namespace dspace {

//! An exclusive flock on a lock file, released when destroyed (and by the kernel if dspace dies).
class FileLock {
public:
    //! Waits up to timeout for the lock on path (created 0600 if missing, never through a symbolic
    //! link); throws Error naming what holds it.
    FileLock(const std::filesystem::path &path, std::string what, std::chrono::milliseconds timeout = std::chrono::seconds(30));
    ~FileLock();
    FileLock(const FileLock &) = delete;
    FileLock &operator=(const FileLock &) = delete;

private:
    int fd_ = -1;
};

} // namespace dspace
