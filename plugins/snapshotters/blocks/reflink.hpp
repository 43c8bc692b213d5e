// File-system help for the blocks snapshotter where the file system shares extents between files (XFS, btrfs):
// FICLONERANGE (a range of one file becomes a reference to another's extents, no data copied), FIEMAP (where a
// file's bytes are on disk, and whether another file shares them), and the probe that tells whether both work
// between the block store and a data directory. Everywhere else these report "not supported" and the engine
// reads and writes bytes as before.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dspace::blocks {

//! The clone granule (file-system block size) when ranges can be cloned between files under store_dir and files
//! under data_dir (same file system, FICLONERANGE works there), else 0. Probes once with two temporary files in
//! store_dir.
std::uint32_t reflink_granule(const std::string &store_dir, const std::string &data_dir);

//! offset rounded up to a multiple of granule (granule > 0).
inline std::uint64_t align_up(std::uint64_t offset, std::uint32_t granule) { return (offset + granule - 1) / granule * granule; }
//! True when a range at source, destination of length bytes can be cloned with this granule: every value a multiple of it.
inline bool clonable(std::uint64_t source, std::uint64_t destination, std::uint64_t length, std::uint32_t granule) {
    return granule > 0 && length > 0 && source % granule == 0 && destination % granule == 0 && length % granule == 0;
}

//! Makes length bytes of to at to_offset share from's extents at from_offset (FICLONERANGE); false when the file
//! system refuses it as unsupported (EOPNOTSUPP, EXDEV, EINVAL), throws BlockError on any other failure.
bool clone_range(int from, std::uint64_t from_offset, int to, std::uint64_t to_offset, std::uint64_t length, const std::string &what);

//! Copies length bytes of from at from_offset to to at to_offset inside the kernel (copy_file_range; read and
//! write where it is unsupported); throws BlockError naming from_what when from ends before, or on any failure.
void copy_range(int from, std::uint64_t from_offset, int to, std::uint64_t to_offset, std::uint64_t length, const std::string &from_what,
                const std::string &to_what);

//! Clones adjacent ranges as one: add() extends the pending range while source and destination stay contiguous,
//! flush() clones it. Throws BlockError when a clone that probed fine fails.
class CloneRun {
public:
    //! Adds length bytes of from at from_offset to go to to at to_offset (what names the destination).
    void add(int from, std::uint64_t from_offset, int to, std::uint64_t to_offset, std::uint64_t length, const std::string &what);
    //! Clones the pending range, if any (a range not flushed is dropped).
    void flush();

private:
    int from_ = -1, to_ = -1;
    std::uint64_t from_offset_ = 0, to_offset_ = 0, length_ = 0;
    std::string what_;
};

//! One extent of a file as FIEMAP reports it.
struct Extent {
    std::uint64_t logical = 0;  //!< byte offset in the file
    std::uint64_t physical = 0; //!< byte address on the device
    std::uint64_t length = 0;   //!< bytes
    bool shared = false;        //!< FIEMAP_EXTENT_SHARED, and a plain, written extent (nothing that makes physical unreliable)
};

//! The extents of the open file fd (FS_IOC_FIEMAP with FIEMAP_FLAG_SYNC, so delayed writes are placed first);
//! nothing when the file system cannot say. With a range [begin, end): only the extents that overlap it, cut to it.
std::optional<std::vector<Extent>> file_extents(int fd, const std::string &what, std::uint64_t begin = 0,
                                                std::uint64_t end = std::numeric_limits<std::uint64_t>::max());
//! The shared extents of extents (sorted by logical offset) without the bytes of removed (sorted, not overlapping
//! [begin, end) byte ranges) and without those at or past size: what a file that mapped as extents maps as once
//! those ranges were rewritten and it was cut to size, as far as bytes still shared at the same address go (a
//! rewrite moves a shared block, or leaves it unshared).
std::vector<Extent> without_ranges(const std::vector<Extent> &extents, const std::vector<std::pair<std::uint64_t, std::uint64_t>> &removed,
                                   std::uint64_t size);
//! The physical address of bytes [offset, offset + length) when they lie in one shared extent of extents (sorted by
//! logical offset), else 0. cursor: where the previous lookup ended (lookups in increasing offset are linear).
std::uint64_t shared_physical(const std::vector<Extent> &extents, std::uint64_t offset, std::uint64_t length, std::size_t &cursor);

} // namespace dspace::blocks
