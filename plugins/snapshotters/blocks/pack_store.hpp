// The block store ($DSPACE_HOME/blocks/): every block once, named by its SHA-256, in append-only pack files.
//
//   lock               flock: shared while snapshotting or restoring, exclusive while collecting garbage
//   packs/<id>.pack    block bytes, one after the other; where the store can clone ranges from the data directory
//                      (reflink_granule), each block whose length is a multiple of the granule starts at a multiple
//                      of it (zeros pad the gaps), so that it can be cloned in and out
//   packs/<id>.idx     "DSBIDX01", u64 count, then count entries sorted by id: 32-byte id, u64 offset, u32 length
//   generation         "<random id> <collections>": names this store and counts the collections that removed blocks
//
// A pack counts only once its index exists: the index is renamed into place after the pack's bytes are on disk,
// so a crash leaves at worst a pack without index, which garbage collection deletes.
#pragma once

#include "block_hash.hpp"
#include "file_io.hpp"
#include "reflink.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace dspace::blocks {

//! Where a stored block lives.
struct BlockLocation {
    std::size_t pack = 0;      //!< index into the store's packs
    std::uint64_t offset = 0;  //!< byte offset in the pack
    std::uint32_t length = 0;  //!< byte length
};

//! One entry of a pack index.
struct IndexEntry {
    BlockId id {};             //!< the block's SHA-256
    std::uint64_t offset = 0;  //!< byte offset in the pack
    std::uint32_t length = 0;  //!< byte length
};

//! Writes a pack index (entries sorted here) to path, and fsyncs it.
void write_pack_index(const std::string &path, std::vector<IndexEntry> entries);
//! Reads every entry of the pack index at path, checking its structure.
std::vector<IndexEntry> read_pack_index(const std::string &path);

class PackWriter;

//! The block store of one $DSPACE_HOME, opened under its lock.
class BlockStore {
public:
    //! How the store's lock is held.
    enum class Access { shared, exclusive };
    //! Opens (creating) root and takes its lock, waiting for it.
    BlockStore(const std::string &root, Access access);
    ~BlockStore();
    //! Where id is stored, or nothing.
    std::optional<BlockLocation> find(const BlockId &id) const;
    //! Reads block id into out and checks it against its id and expected length; throws BlockError naming what is damaged.
    void read_verified(const BlockId &id, std::uint32_t length, std::vector<unsigned char> &out) const;
    //! Reads and checks every block (id, length) like read_verified, asking the kernel for all of them first and
    //! reading them in pack order: the reads overlap instead of waiting for the disk one by one. Returns their
    //! ids, sorted and unique.
    std::vector<BlockId> check_blocks(std::vector<std::pair<BlockId, std::uint32_t>> blocks) const;
    //! A writer for new blocks (one new pack); granule: reflink_granule of the store and the data (0: none).
    std::unique_ptr<PackWriter> writer(std::uint32_t granule = 0);
    //! The pack descriptor and offset of block id when it can be cloned with granule (a multiple of it), else nothing.
    std::optional<std::pair<int, std::uint64_t>> clone_source(const BlockId &id, std::uint32_t granule) const;
    //! Keeps only the blocks in live (sorted, unique), rewriting packs that hold others, and removes what interrupted
    //! writers left (packs without index, temporary files); returns bytes freed. Needs exclusive access.
    std::uint64_t collect(const std::vector<BlockId> &live);
    //! The store's root directory.
    const std::string &root() const { return root_; }
    //! Names this store and how many collections removed blocks from it. While it stays the same, every block it
    //! held still is: only collect() removes blocks, and it changes the generation first.
    const std::string &generation() const { return generation_; }

private:
    struct Pack;
    void load();
    //! Reads the generation file, creating it (a new random id, no collections) when absent or unreadable.
    void load_generation();
    //! Counts one more collection, durably: before any block is removed.
    void next_generation();
    //! Opens the published pack name (its index mapped) and adds it to packs_.
    void open_pack(const std::string &name);
    std::string root_, packs_dir_, generation_;
    Fd lock_;
    std::vector<std::unique_ptr<Pack>> packs_;
    mutable std::size_t last_found_ = 0; //!< the pack find() last found a block in: blocks looked up together mostly share one
    friend class PackWriter;
};

//! Adds blocks to the store in a new pack; commit() makes them durable and visible.
class PackWriter {
public:
    //! Starts a new pack in store; with skip_stored, blocks the store already holds are not added again. granule
    //! (reflink_granule, 0: none): blocks whose length is a multiple of it are placed at multiples of it.
    explicit PackWriter(BlockStore &store, bool skip_stored = true, std::uint32_t granule = 0);
    //! Deletes the pack unless committed.
    ~PackWriter();
    //! Stores a block unless the store or this pack already has it; returns true when it was added.
    bool put(const BlockId &id, const void *data, std::uint32_t length);
    //! Like put, but the block's data are also at from_offset of the open file from: where the granule allows,
    //! the block is cloned from there (no bytes written; the caller must leave those bytes unchanged and call
    //! flush_clones() before closing from). data may be null: the bytes are then copied
    //! from there in the kernel (from_what names from in errors).
    bool put_from(const BlockId &id, const void *data, std::uint32_t length, int from, std::uint64_t from_offset,
                  const std::string &from_what = "the block's source");
    //! Clones the blocks put_from deferred.
    void flush_clones();
    //! True when put_from may clone.
    bool clones() const { return granule_ > 0; }
    //! Makes the pack and its index durable (fsync: only what this writer wrote), then publishes the index; returns bytes added.
    std::uint64_t commit();
    //! Blocks per pack: a writer that reaches it publishes the pack and goes on in a new one, so its memory stays bounded.
    static constexpr std::size_t max_pack_blocks = 65536;

private:
    BlockStore &store_;
    std::string name_;
    std::unique_ptr<class RecordWriter> out_;
    std::unordered_map<BlockId, IndexEntry, BlockIdHasher> added_;
    bool skip_stored_;
    std::uint32_t granule_;
    CloneRun clones_;
    bool committed_ = false;
    std::uint64_t bytes_ = 0; //!< bytes of the packs published so far
    //! Publishes the current pack (durable, then its index named) and returns its bytes; an empty one is removed.
    std::uint64_t seal();
};

} // namespace dspace::blocks
