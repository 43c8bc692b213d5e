#include <dspace/core/error.hpp>
#include <dspace/core/private_file.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace dspace::fs {

namespace {

//! Closes a descriptor when it goes out of scope.
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

[[noreturn]] void fail(const std::filesystem::path &path, const char *what, int err) {
    throw Error("cannot write " + path.string() + ": " + what + ": " + std::strerror(err),
                err == ENOSPC ? "free some disk space and try again" : "");
}

} // namespace

void write_private_file(const std::filesystem::path &path, std::string_view content, unsigned mode, uid_t uid, gid_t gid) {
    Fd dir;
    dir.fd = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir.fd < 0) fail(path, "cannot open its directory", errno);
    std::string name = path.filename().string();
    std::string tmp = "." + name + ".tmp-" + std::to_string(std::random_device{}());
    Fd file;
    file.fd = ::openat(dir.fd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 0777);
    if (file.fd < 0) fail(path, "cannot create its temporary file", errno);
    auto discard = [&](const char *what) {
        int err = errno;
        ::unlinkat(dir.fd, tmp.c_str(), 0);
        fail(path, what, err);
    };
    for (size_t done = 0; done < content.size();) {
        ssize_t n = ::write(file.fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) discard("write failed");
        done += static_cast<size_t>(n);
    }
    if (::fchown(file.fd, uid, gid) != 0) discard("cannot set its owner");
    if (::fchmod(file.fd, mode & 0777) != 0) discard("cannot set its mode");
    if (::fsync(file.fd) != 0) discard("cannot sync it");
    if (::renameat(dir.fd, tmp.c_str(), dir.fd, name.c_str()) != 0) discard("cannot rename it into place");
    if (::fsync(dir.fd) != 0) fail(path, "cannot sync its directory", errno);
}

} // namespace dspace::fs
