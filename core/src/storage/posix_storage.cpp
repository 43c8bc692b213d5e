// file:///path destinations: objects are files below a directory, put atomically (temp file, fsync, rename).
#include "posix_storage.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>

#include <algorithm>
#include <functional>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dspace {

namespace stdfs = std::filesystem;

namespace {

//! A temporary name beside path, unique to this process.
stdfs::path temp_beside(const stdfs::path &path) {
    return path.parent_path() / ("." + path.filename().string() + ".tmp." + std::to_string(::getpid()));
}

//! Copies from to a temp file beside to, fsyncs it and renames it over to.
void copy_atomic(const stdfs::path &from, const stdfs::path &to) {
    stdfs::path temp = temp_beside(to);
    std::error_code ec;
    stdfs::copy_file(from, temp, stdfs::copy_options::overwrite_existing, ec);
    if (ec) {
        stdfs::remove(temp, ec);
        throw Error("cannot copy " + from.string() + " to " + to.string() + ": " + ec.message(),
                    "check that the destination's disk has room and that it is writable");
    }
    int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
    bool synced = fd >= 0 && ::fsync(fd) == 0;
    int saved = errno;
    if (fd >= 0) ::close(fd);
    if (!synced) {
        stdfs::remove(temp, ec);
        throw Error("cannot flush " + temp.string() + ": " + std::strerror(saved), "check the destination's disk");
    }
    fs::rename_durable(temp, to);
}

//! True for the temporary files of puts: .<name>.tmp.<pid> (copy_atomic) and <name>.tmp-<random> (write_file_atomic).
bool is_temp_name(const std::string &name) {
    return (name.front() == '.' && name.find(".tmp.") != std::string::npos) || name.find(".tmp-") != std::string::npos;
}

//! The modification time of path in seconds since the epoch (0, unknown, when it cannot be read).
std::int64_t modified_unix(const stdfs::path &path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 ? std::int64_t(st.st_mtime) : 0;
}

//! The directories of a relative path opened one below the other from a root, never through a symbolic link.
class DirChain {
public:
    DirChain(const stdfs::path &root, const stdfs::path &dir) {
        fds_.push_back(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        for (const auto &part : dir) {
            if (fds_.back() < 0) break;
            names_.push_back(part.string());
            fds_.push_back(::openat(fds_.back(), names_.back().c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        }
        if (fds_.back() < 0) {
            error_ = errno;
            struct stat st {};
            link_ = fds_.size() > 1 && fds_[fds_.size() - 2] >= 0 &&
                    ::fstatat(fds_[fds_.size() - 2], names_.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
        }
    }
    ~DirChain() {
        for (int fd : fds_)
            if (fd >= 0) ::close(fd);
    }
    DirChain(const DirChain &) = delete;
    DirChain &operator=(const DirChain &) = delete;
    //! True when every directory was opened.
    bool complete() const { return fds_.back() >= 0; }
    //! The errno of the directory that could not be opened.
    int error() const { return error_; }
    //! True when the directory that could not be opened is a symbolic link.
    bool through_link() const { return link_; }
    //! The deepest directory (complete only).
    int deepest() const { return fds_.back(); }
    //! Removes the directories below the root, deepest first, while they are empty (complete only).
    void prune() {
        // stops at the first that is not empty (another object is there, or a put just made it): its parents stay
        for (std::size_t i = names_.size(); i > 0; --i)
            if (::unlinkat(fds_[i - 1], names_[i - 1].c_str(), AT_REMOVEDIR) != 0) return;
    }

private:
    std::vector<int> fds_; // the root's first
    std::vector<std::string> names_;
    int error_ = 0;
    bool link_ = false;
};

} // namespace

PosixStorage::PosixStorage(std::string url, stdfs::path root) : url_(std::move(url)), root_(std::move(root)) {}

stdfs::path PosixStorage::path_of(const std::string &key) const {
    validate_object_key(key);
    return root_ / key;
}

stdfs::path PosixStorage::writable_path_of(const std::string &key) const {
    stdfs::path path = path_of(key);
    std::error_code ec;
    stdfs::create_directories(path.parent_path(), ec);
    if (ec)
        throw Error("cannot create directory " + path.parent_path().string() + ": " + ec.message(),
                    "check that the destination " + url_ + " exists and is writable");
    return path;
}

void PosixStorage::put(const std::string &key, const std::function<void(const stdfs::path &)> &write) {
    stdfs::path path = writable_path_of(key);
    try {
        write(path);
    } catch (const Error &) {
        if (fs::is_real_dir(path.parent_path())) throw;
        write(writable_path_of(key)); // a removal pruned the directory, then empty, in between: made again
    }
}

void PosixStorage::put_file(const std::string &key, const stdfs::path &file) {
    put(key, [&](const stdfs::path &path) { copy_atomic(file, path); });
}

void PosixStorage::put_bytes(const std::string &key, std::string_view bytes) {
    put(key, [&](const stdfs::path &path) { fs::write_file_atomic(path, bytes, 0644); });
}

void PosixStorage::get_file(const std::string &key, const stdfs::path &file) {
    stdfs::path path = path_of(key);
    if (!head(key)) throw Error("object '" + key + "' does not exist at " + url_, "list what is there with `dspace snapshot ls --remote`");
    copy_atomic(path, file);
}

std::string PosixStorage::get_bytes(const std::string &key) {
    if (!head(key)) throw Error("object '" + key + "' does not exist at " + url_, "list what is there with `dspace snapshot ls --remote`");
    return fs::read_file(path_of(key));
}

std::optional<std::uint64_t> PosixStorage::head(const std::string &key) {
    std::error_code ec;
    auto status = stdfs::symlink_status(path_of(key), ec);
    if (ec || !stdfs::is_regular_file(status)) return std::nullopt;
    auto size = stdfs::file_size(path_of(key), ec);
    if (ec) return std::nullopt;
    return size;
}

std::vector<StoredObject> PosixStorage::list(const std::string &prefix) { return files(prefix, false); }

std::vector<StoredObject> PosixStorage::list_leftovers() { return files("", true); }

std::vector<StoredObject> PosixStorage::files(const std::string &prefix, bool leftovers) {
    std::vector<StoredObject> objects;
    std::error_code ec;
    if (!fs::is_real_dir(root_)) {
        if (!stdfs::exists(root_, ec)) return objects;
        throw Error("destination " + url_ + " is not a directory", "point the remote at a directory");
    }
    for (auto it = stdfs::recursive_directory_iterator(root_, ec); !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
        std::string key = stdfs::relative(it->path(), root_).generic_string();
        if (key.rfind(prefix, 0) != 0 || is_temp_name(it->path().filename().string()) != leftovers) continue;
        if (!leftovers && (key.find("/.") != std::string::npos || key.front() == '.')) continue; // not an object key
        objects.push_back({key, it->file_size(ec), modified_unix(it->path())});
    }
    if (ec) throw Error("cannot list " + url_ + ": " + ec.message(), "check that the destination is readable");
    std::sort(objects.begin(), objects.end(), [](const StoredObject &a, const StoredObject &b) { return a.key < b.key; });
    return objects;
}

void PosixStorage::remove(const std::string &key) {
    validate_object_key(key);
    stdfs::path relative(key);
    DirChain dirs(root_, relative.parent_path());
    auto failed = [&](const std::string &why) {
        return Error("cannot remove object '" + key + "' at " + url_ + ": " + why, "check that the destination is writable");
    };
    if (!dirs.complete()) {
        if (dirs.through_link()) throw failed("a directory on its path is a symbolic link, which dspace never deletes through");
        if (dirs.error() == ENOENT || dirs.error() == ENOTDIR) return; // its directory is gone, and so is it
        throw failed(std::strerror(dirs.error()));
    }
    if (::unlinkat(dirs.deepest(), relative.filename().c_str(), 0) != 0 && errno != ENOENT) throw failed(std::strerror(errno));
    dirs.prune();
}

} // namespace dspace
