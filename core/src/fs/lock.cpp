#include <dspace/core/error.hpp>
#include <dspace/core/lock.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace dspace {

FileLock::FileLock(const std::filesystem::path &path, std::string what, std::chrono::milliseconds timeout) {
    // O_NOFOLLOW: a lock file replaced by a symbolic link must not make dspace create or open its target.
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ < 0 && errno == ELOOP)
        throw Error("cannot open lock file " + path.string() + ": it is a symbolic link",
                    "dspace never follows links inside its home; remove " + path.string() + " and try again");
    if (fd_ < 0) throw Error("cannot open lock file " + path.string() + ": " + std::strerror(errno));
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int saved = errno;
            ::close(fd_);
            throw Error("cannot lock " + path.string() + ": " + std::strerror(saved));
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::close(fd_);
            throw Error(what + " is busy: another dspace command is working on it",
                        "wait for that command to finish, then try again");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_); // closing releases the flock
}

} // namespace dspace
