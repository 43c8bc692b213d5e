// FICLONERANGE, FIEMAP and the probe for them.
#include "reflink.hpp"

#include "file_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace dspace::blocks {

namespace {

bool unsupported(int error) { return error == EOPNOTSUPP || error == ENOTTY || error == EXDEV || error == EINVAL || error == ENOSYS; }

//! A nameless temporary file in dir (O_TMPFILE: nothing is left behind by a crash), or -1 when unsupported.
Fd anonymous_file(const std::string &dir) {
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0 && !unsupported(errno) && errno != EISDIR) throw_errno("cannot create a temporary file in " + dir);
    return Fd(fd);
}

} // namespace

std::uint32_t reflink_granule(const std::string &store_dir, const std::string &data_dir) {
    struct stat store {}, data {};
    if (::stat(store_dir.c_str(), &store) != 0) throw_errno("cannot examine " + store_dir);
    if (::stat(data_dir.c_str(), &data) != 0) throw_errno("cannot examine " + data_dir);
    if (store.st_dev != data.st_dev) return 0;
    struct statfs fs {};
    if (::statfs(store_dir.c_str(), &fs) != 0) throw_errno("cannot examine the file system of " + store_dir);
    auto granule = std::uint32_t(fs.f_bsize);
    if (granule == 0 || granule > (1u << 16)) return 0;
    Fd from = anonymous_file(store_dir), to = anonymous_file(store_dir);
    if (from.get() < 0 || to.get() < 0) return 0;
    std::string block(granule, 'p');
    pwrite_all(from.get(), block.data(), block.size(), 0, store_dir + " (reflink probe)");
    return clone_range(from.get(), 0, to.get(), 0, granule, store_dir + " (reflink probe)") ? granule : 0;
}

bool clone_range(int from, std::uint64_t from_offset, int to, std::uint64_t to_offset, std::uint64_t length, const std::string &what) {
    struct file_clone_range range {};
    range.src_fd = from;
    range.src_offset = from_offset;
    range.src_length = length;
    range.dest_offset = to_offset;
    while (::ioctl(to, FICLONERANGE, &range) != 0) {
        if (errno == EINTR) continue;
        if (unsupported(errno)) return false;
        throw_errno("cannot clone " + std::to_string(length) + " bytes into " + what);
    }
    return true;
}

void copy_range(int from, std::uint64_t from_offset, int to, std::uint64_t to_offset, std::uint64_t length, const std::string &from_what,
                const std::string &to_what) {
    auto ends_early = [&] { return BlockError(from_what + " ends before the bytes expected there: the store is damaged", "run `dspace snapshot verify`"); };
    while (length > 0) {
        auto in = loff_t(from_offset), out = loff_t(to_offset);
        ssize_t n = ::copy_file_range(from, &in, to, &out, std::size_t(length), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && unsupported(errno)) break;
        if (n < 0) throw_errno("cannot copy from " + from_what + " to " + to_what);
        if (n == 0) throw ends_early();
        from_offset += std::uint64_t(n), to_offset += std::uint64_t(n), length -= std::uint64_t(n);
    }
    if (length == 0) return;
    std::vector<unsigned char> buffer(static_cast<std::size_t>(length)); // blocks: at most a page
    if (pread_some(from, buffer.data(), buffer.size(), from_offset, from_what) != buffer.size()) throw ends_early();
    pwrite_all(to, buffer.data(), buffer.size(), to_offset, to_what);
}

void CloneRun::add(int from, std::uint64_t from_offset, int to, std::uint64_t to_offset, std::uint64_t length, const std::string &what) {
    if (length_ > 0 && from == from_ && to == to_ && from_offset == from_offset_ + length_ && to_offset == to_offset_ + length_) {
        length_ += length;
        return;
    }
    flush();
    from_ = from, to_ = to, from_offset_ = from_offset, to_offset_ = to_offset, length_ = length, what_ = what;
}

void CloneRun::flush() {
    if (length_ == 0) return;
    std::uint64_t length = length_;
    length_ = 0;
    if (!clone_range(from_, from_offset_, to_, to_offset_, length, what_))
        throw BlockError("the file system refused to clone into " + what_ + " although it cloned a probe before",
                         "retry; if it persists, report it with the file system's type and mount options");
}

std::optional<std::vector<Extent>> file_extents(int fd, const std::string &what, std::uint64_t begin, std::uint64_t end) {
    constexpr unsigned batch = 256;
    constexpr std::uint32_t unreliable = FIEMAP_EXTENT_UNKNOWN | FIEMAP_EXTENT_DELALLOC | FIEMAP_EXTENT_ENCODED | FIEMAP_EXTENT_DATA_ENCRYPTED |
                                         FIEMAP_EXTENT_NOT_ALIGNED | FIEMAP_EXTENT_DATA_INLINE | FIEMAP_EXTENT_DATA_TAIL |
                                         FIEMAP_EXTENT_UNWRITTEN;
    std::vector<unsigned char> raw(sizeof(struct fiemap) + batch * sizeof(struct fiemap_extent));
    auto *map = reinterpret_cast<struct fiemap *>(raw.data());
    std::vector<Extent> extents;
    std::uint64_t start = begin;
    // Keeps the part of an extent inside [begin, end).
    auto add = [&](std::uint64_t logical, std::uint64_t physical, std::uint64_t length, bool shared) {
        std::uint64_t from = std::max(logical, begin), to = std::min(logical + length, end);
        if (from < to) extents.push_back(Extent{from, physical + (from - logical), to - from, shared});
    };
    for (bool first = true;; first = false) {
        std::memset(raw.data(), 0, raw.size());
        map->fm_start = start;
        map->fm_length = end - start;
        map->fm_flags = first ? FIEMAP_FLAG_SYNC : 0;
        map->fm_extent_count = batch;
        if (::ioctl(fd, FS_IOC_FIEMAP, map) != 0) {
            if (unsupported(errno) || errno == EBADR) return std::nullopt;
            throw_errno("cannot map the extents of " + what);
        }
        if (map->fm_mapped_extents == 0) return extents;
        for (unsigned i = 0; i < map->fm_mapped_extents; ++i) {
            const struct fiemap_extent &e = map->fm_extents[i];
            add(e.fe_logical, e.fe_physical, e.fe_length, (e.fe_flags & FIEMAP_EXTENT_SHARED) != 0 && (e.fe_flags & unreliable) == 0);
            if (e.fe_flags & FIEMAP_EXTENT_LAST) return extents;
        }
        const struct fiemap_extent &last = map->fm_extents[map->fm_mapped_extents - 1];
        start = last.fe_logical + last.fe_length;
        if (start >= end) return extents;
    }
}

std::vector<Extent> without_ranges(const std::vector<Extent> &extents, const std::vector<std::pair<std::uint64_t, std::uint64_t>> &removed,
                                   std::uint64_t size) {
    std::vector<Extent> kept;
    std::size_t r = 0;
    for (const Extent &e : extents) {
        if (!e.shared) continue;
        std::uint64_t at = e.logical, end = std::min(e.logical + e.length, size);
        while (r < removed.size() && removed[r].second <= at) ++r;
        for (std::size_t i = r; at < end; ++i) {
            std::uint64_t stop = i < removed.size() ? std::min(end, removed[i].first) : end; // up to the next removed range
            if (stop > at) kept.push_back(Extent{at, e.physical + (at - e.logical), stop - at, true});
            if (i >= removed.size()) break;
            at = std::max(at, removed[i].second);
        }
    }
    return kept;
}

std::uint64_t shared_physical(const std::vector<Extent> &extents, std::uint64_t offset, std::uint64_t length, std::size_t &cursor) {
    if (cursor > extents.size() || (cursor > 0 && extents[cursor - 1].logical + extents[cursor - 1].length > offset)) cursor = 0; // went back
    while (cursor < extents.size() && extents[cursor].logical + extents[cursor].length <= offset) ++cursor;
    if (cursor == extents.size()) return 0;
    const Extent &e = extents[cursor];
    if (!e.shared || e.logical > offset || offset + length > e.logical + e.length) return 0;
    return e.physical + (offset - e.logical);
}

} // namespace dspace::blocks
