// A snapshot's payload: the block list, one streamed file (payload/blocks.list) describing every entry of
// the data directory in path order, and for each regular file its blocks (stored id, quick hash, or a hole).
//
// Format (little-endian): "DSBLIST1", u32 page size, i64 creation time (ns), text boot id; then entries:
// u8 type ('F' file, 'D' directory, 'L' symlink), text path, u32 mode, i64 mtime (ns), u64 size, text link
// target, u64 block count, 16-byte digest of the block records; then count records of 49 bytes (u8 kind:
// 0 hole / 1 data, 32-byte SHA-256, 16-byte XXH3-128). Ends with u8 'E' and u64 entry count.
// A text is a u32 length and its bytes.
#pragma once

#include "block_hash.hpp"
#include "record_io.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dspace::blocks {

//! The name of the block list inside a payload directory.
inline constexpr const char *block_list_name = "blocks.list";

//! What the block list says about the snapshot as a whole.
struct ListHeader {
    std::uint32_t page_size = 8192; //!< block size
    std::int64_t created_ns = 0;    //!< when the snapshot began (files modified near it are not trusted by size and mtime)
    std::string boot_id;            //!< the boot during which it was taken
};

//! One entry of the data directory.
struct ListEntry {
    char type = 'F';                 //!< 'F' regular file, 'D' directory, 'L' symbolic link
    std::string path;                //!< relative to the data directory
    std::uint32_t mode = 0;          //!< st_mode permission bits
    std::int64_t mtime_ns = 0;       //!< modification time
    std::uint64_t size = 0;          //!< file size in bytes
    std::string target;              //!< symbolic link target
    std::uint64_t block_count = 0;   //!< ceil(size / page size) for files
    QuickHash digest {};             //!< hash of the block records: equal digests mean equal contents
};

//! One block of a file.
struct BlockRecord {
    bool hole = true;   //!< all zeros: not stored
    BlockId id {};      //!< SHA-256 of the block's bytes
    QuickHash quick {}; //!< XXH3-128 of the block's bytes
};

//! The number of blocks of a file of size bytes.
inline std::uint64_t blocks_of(std::uint64_t size, std::uint32_t page_size) { return (size + page_size - 1) / page_size; }
//! The length of block index of a file of size bytes.
inline std::uint32_t block_length(std::uint64_t size, std::uint32_t page_size, std::uint64_t index) {
    std::uint64_t start = index * page_size;
    return std::uint32_t(std::min<std::uint64_t>(page_size, size - start));
}
//! The digest a file entry records for these blocks (XXH3-128 of their encoded records, as BlockListWriter::end computes).
QuickHash records_digest(const std::vector<BlockRecord> &records);
//! True when path is relative, normalised and stays inside its root (no "", ".", ".." component).
bool safe_relative_path(const std::string &path);

//! Writes a block list; entries must come in strictly increasing path order.
class BlockListWriter {
public:
    //! Creates path and writes the header.
    BlockListWriter(const std::string &path, const ListHeader &header);
    ~BlockListWriter();
    //! Starts an entry; a file's block_count records must follow before the next begin() or finish().
    void begin(const ListEntry &entry);
    //! Appends the next block of the current file.
    void block(const BlockRecord &record);
    //! Ends the current entry; returns its digest (zeros for non-files).
    QuickHash end();
    //! Writes the end record and flushes (fsync when sync).
    void finish(bool sync);

private:
    struct State;
    std::unique_ptr<State> state_;
};

//! Reads a block list written by BlockListWriter, checking its structure.
class BlockListReader {
public:
    //! Opens path and reads the header.
    explicit BlockListReader(const std::string &path);
    ~BlockListReader();
    //! The header.
    const ListHeader &header() const;
    //! Moves to the next entry (skipping unread blocks of the current one); false at the end record.
    bool next(ListEntry &entry);
    //! The next block of the current file.
    BlockRecord block();

private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace dspace::blocks
