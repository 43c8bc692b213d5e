#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace dspace::fs {

namespace {

std::string errno_text() { return std::strerror(errno); }

void fsync_path(const stdfs::path &path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) throw Error("cannot open " + path.string() + " to sync it: " + errno_text());
    int rc = ::fsync(fd);
    int saved = errno;
    ::close(fd);
    if (rc != 0) throw Error("cannot sync " + path.string() + ": " + std::strerror(saved));
}

std::string random_suffix() {
    static std::mt19937_64 rng{std::random_device{}()};
    std::ostringstream out;
    out << std::hex << rng();
    return out.str();
}

[[noreturn]] void removal_failed(const stdfs::path &path, int error) {
    throw Error("cannot remove " + path.string() + ": " + std::strerror(error));
}

//! Removes entry name of the directory open as dirfd (path names it for messages), never following a link.
void remove_at(int dirfd, const std::string &name, const stdfs::path &path) {
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) return;
        removal_failed(path, errno);
    }
    if (!S_ISDIR(st.st_mode)) {
        if (::unlinkat(dirfd, name.c_str(), 0) != 0 && errno != ENOENT) removal_failed(path, errno);
        return;
    }
    int fd = ::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) removal_failed(path, errno);
    DIR *dir = ::fdopendir(fd);
    if (dir == nullptr) {
        int saved = errno;
        ::close(fd);
        removal_failed(path, saved);
    }
    std::vector<std::string> children;
    while (const dirent *entry = ::readdir(dir)) {
        std::string child = entry->d_name;
        if (child != "." && child != "..") children.push_back(child);
    }
    try {
        for (const auto &child : children) remove_at(fd, child, path / child);
    } catch (...) {
        ::closedir(dir);
        throw;
    }
    ::closedir(dir);
    if (::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) removal_failed(path, errno);
}

} // namespace

void write_file_atomic(const stdfs::path &path, std::string_view content, unsigned mode) {
    stdfs::path tmp = path;
    tmp += ".tmp-" + random_suffix();
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        throw Error("cannot write " + path.string() + ": " + errno_text(),
                    "check that " + path.parent_path().string() + " exists and is writable");
    size_t written = 0;
    while (written < content.size()) {
        ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            int saved = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw Error("cannot write " + path.string() + ": " + std::strerror(saved),
                        saved == ENOSPC ? "free some disk space and try again" : "");
        }
        written += static_cast<size_t>(n);
    }
    if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0) {
        int saved = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        throw Error("cannot sync " + path.string() + ": " + std::strerror(saved));
    }
    ::close(fd);
    rename_durable(tmp, path);
}

std::string read_file(const stdfs::path &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read " + path.string() + ": " + errno_text());
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void make_private_dir(const stdfs::path &dir, unsigned mode) {
    std::error_code ec;
    bool created = stdfs::create_directories(dir, ec);
    if (ec) throw Error("cannot create directory " + dir.string() + ": " + ec.message());
    // An existing directory keeps its mode: $DSPACE_HOME may be 0711 on purpose so a server user can pass through.
    if (!is_real_dir(dir))
        throw Error("cannot use " + dir.string() + ": it is a symbolic link or not a directory",
                    "dspace never writes through links inside its home; remove " + dir.string() + " and try again");
    if (created && ::chmod(dir.c_str(), mode) != 0)
        throw Error("cannot set the mode of " + dir.string() + ": " + errno_text());
}

void make_home_dir(const stdfs::path &dir, unsigned mode) {
    std::error_code ec;
    if (!stdfs::is_directory(dir, ec)) make_private_dir(dir, mode);
}

void fsync_dir(const stdfs::path &dir) { fsync_path(dir, O_RDONLY | O_DIRECTORY); }

void fsync_tree(const stdfs::path &root) {
    for (auto it = stdfs::recursive_directory_iterator(root); it != stdfs::recursive_directory_iterator(); ++it) {
        if (it->is_symlink()) continue;
        if (it->is_directory()) fsync_path(it->path(), O_RDONLY | O_DIRECTORY);
        else if (it->is_regular_file()) fsync_path(it->path(), O_RDONLY);
    }
    fsync_dir(root);
}

void rename_durable(const stdfs::path &from, const stdfs::path &to) {
    if (::rename(from.c_str(), to.c_str()) != 0)
        throw Error("cannot rename " + from.string() + " to " + to.string() + ": " + errno_text());
    fsync_dir(to.parent_path().empty() ? stdfs::path(".") : to.parent_path());
}

void remove_tree(const stdfs::path &root) {
    for (const auto &part : root)
        if (part == "..") throw Error("refusing to remove " + root.string() + ": it contains '..'");
    stdfs::path name = root.filename();
    if (name.empty() || name == ".") throw Error("refusing to remove " + root.string() + ": it names no entry");
    stdfs::path parent = root.parent_path().empty() ? stdfs::path(".") : root.parent_path();
    int dirfd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        if (errno == ENOENT) return;
        removal_failed(root, errno);
    }
    try {
        remove_at(dirfd, name.string(), root);
    } catch (...) {
        ::close(dirfd);
        throw;
    }
    ::close(dirfd);
}

bool is_real_dir(const stdfs::path &path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::uint64_t tree_size(const stdfs::path &root) {
    std::uint64_t total = 0;
    std::error_code ec;
    struct stat st {};
    if (::lstat(root.c_str(), &st) != 0) return 0;
    if (!S_ISDIR(st.st_mode)) return static_cast<std::uint64_t>(st.st_blocks) * 512;
    for (auto it = stdfs::recursive_directory_iterator(root, stdfs::directory_options::skip_permission_denied, ec);
         !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
        if (::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode))
            total += static_cast<std::uint64_t>(st.st_blocks) * 512;
    }
    return total;
}

void chown_tree(const stdfs::path &root, unsigned uid, unsigned gid) {
    auto change = [&](const stdfs::path &p) {
        if (::lchown(p.c_str(), uid, gid) != 0)
            throw Error("cannot change the owner of " + p.string() + ": " + errno_text());
    };
    change(root);
    if (!stdfs::is_directory(stdfs::symlink_status(root))) return;
    for (const auto &entry : stdfs::recursive_directory_iterator(root)) change(entry.path());
}

} // namespace dspace::fs
