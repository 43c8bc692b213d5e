// Snapshot, restore, in-place rollback, verification, usage and garbage collection over the block store.
#include "block_engine.hpp"

#include "block_list.hpp"
#include "extent_state.hpp"
#include "hash_worker.hpp"
#include "pack_store.hpp"
#include "reflink.hpp"
#include "sync_state.hpp"
#include "tree_scan.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace dspace::blocks {

namespace {

constexpr std::size_t chunk_bytes = 1 << 20;
//! Runs of blocks shorter than this are hashed by the thread that read them, not handed to the hash worker.
constexpr std::size_t worker_min_bytes = 128 << 10;
//! A rollback compares a changed file's live blocks with the snapshot's in runs of this many bytes, on two threads.
constexpr std::size_t compare_run_bytes = 64 << 20;

std::string list_path(const std::string &payload_dir) { return payload_dir + "/" + block_list_name; }

std::uint32_t permission_bits(const struct stat &st) { return std::uint32_t(st.st_mode & 07777); }

struct timespec to_timespec(std::int64_t ns) {
    struct timespec ts {};
    ts.tv_sec = ns / 1000000000;
    ts.tv_nsec = ns % 1000000000;
    return ts;
}

//! Sets mtime (atime = mtime) of path without following a symlink.
void set_mtime(const std::string &path, std::int64_t mtime_ns) {
    struct timespec times[2] = {to_timespec(mtime_ns), to_timespec(mtime_ns)};
    if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) throw_errno("cannot set the times of " + path);
}

std::string read_link(const std::string &path) {
    std::string target(4096, '\0');
    ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
    if (n < 0) throw_errno("cannot read the symbolic link " + path);
    target.resize(std::size_t(n));
    return target;
}

//! Block size times a whole number of blocks close to 1 MiB.
std::size_t chunk_for(std::uint32_t page_size) { return std::max<std::size_t>(1, chunk_bytes / page_size) * page_size; }

//! The owner new entries of the data directory get (its own), when dspace may give files away.
struct Owner {
    bool change = false;
    uid_t uid = 0;
    gid_t gid = 0;
    explicit Owner(const std::string &data_dir) {
        struct stat st {};
        if (::lstat(data_dir.c_str(), &st) != 0) throw_errno("cannot examine " + data_dir);
        change = ::geteuid() == 0 && (st.st_uid != 0 || st.st_gid != 0);
        uid = st.st_uid;
        gid = st.st_gid;
    }
    void apply(const std::string &path) const {
        if (change && ::lchown(path.c_str(), uid, gid) != 0) throw_errno("cannot hand " + path + " to the server's OS user");
    }
};

//! The block list the live files were last synced with (linked beside the state), read forward in path order.
class SyncedList {
public:
    //! Opens data_dir's synced list, when there is one with blocks of page_size.
    SyncedList(const std::string &data_dir, std::uint32_t page_size) {
        struct stat st {};
        try {
            if (!lstat_if_exists(synced_list_path(data_dir), st) || !S_ISREG(st.st_mode)) return;
            reader_.emplace(synced_list_path(data_dir));
            if (reader_->header().page_size == page_size) have_ = reader_->next(entry_);
        } catch (const BlockError &) {
            have_ = false; // a damaged list only costs reading the files
        }
    }
    //! The blocks of the live file path (size bytes) recorded as equal to a list entry with digest, or null when
    //! that entry is not here.
    const std::vector<BlockRecord> *records(const std::string &path, const QuickHash &digest, std::uint64_t size) {
        const std::vector<BlockRecord> *found = records_of(path, digest);
        return found && size_ == size ? found : nullptr;
    }
    //! Like records, whatever the size; size() is then the entry's.
    const std::vector<BlockRecord> *records_of(const std::string &path, const QuickHash &digest) {
        try {
            while (have_ && entry_.path < path) have_ = reader_->next(entry_);
            if (!have_ || entry_.path != path || entry_.type != 'F' || entry_.digest != digest || entry_.block_count > max_records) return nullptr;
            records_.clear();
            size_ = entry_.size;
            for (std::uint64_t i = 0; i < entry_.block_count; ++i) records_.push_back(reader_->block());
            have_ = reader_->next(entry_);
            return records_digest(records_) == digest ? &records_ : nullptr;
        } catch (const BlockError &) {
            have_ = false;
            return nullptr;
        }
    }
    //! The size of the entry records_of last returned.
    std::uint64_t size() const { return size_; }

private:
    //! Larger files are read instead, so that the records held stay within about 15 MB.
    static constexpr std::uint64_t max_records = 1 << 18;
    std::optional<BlockListReader> reader_;
    ListEntry entry_;
    bool have_ = false;
    std::vector<BlockRecord> records_;
    std::uint64_t size_ = 0;
};

//! On a reflink file system: what the last sync recorded of the live files' blocks, and what this operation
//! records for the next one.
struct ExtentTracking {
    std::optional<std::map<std::string, FileExtents>> recorded; //!< the extents file, when trustworthy
    SyncedList synced;                                          //!< the list those extents go with
    ExtentsWriter out;                                          //!< the extents after this operation
    ExtentTracking(const std::string &data_dir, std::uint32_t page_size)
        : recorded(load_extents(data_dir)), synced(data_dir, page_size), out(data_dir) {}
    //! Records path (open as fd) as equal to digest, with its extents now.
    void record(const std::string &path, int fd, const QuickHash &digest) {
        if (auto extents = file_extents(fd, path)) out.add(path, digest, *extents);
    }
    //! Carries path's recorded extents over when it still equals digest (unchanged since), else maps it again.
    void keep(const std::string &path, const std::string &full, const QuickHash &digest) {
        if (recorded) {
            auto it = recorded->find(path);
            if (it != recorded->end() && it->second.digest == digest) return out.add(path, digest, it->second.extents);
        }
        Fd fd = open_checked(full, O_RDONLY | O_NOFOLLOW);
        record(path, fd.get(), digest);
    }
    //! The shared extents recorded at the last sync for path when it then equalled the list entry with digest
    //! (they still hold while the file is unchanged since), else null.
    const std::vector<Extent> *recorded_extents(const std::string &path, const QuickHash &digest) const {
        if (!recorded) return nullptr;
        auto it = recorded->find(path);
        return it != recorded->end() && it->second.digest == digest ? &it->second.extents : nullptr;
    }
    //! For each block of the live file path (open as fd, page-sized blocks), its record when it is known without
    //! reading it: a full block, still shared and at the address recorded with the synced list's entry, whose
    //! stored block the store has (known without a lookup when store_unchanged: no collection since that sync).
    //! Empty when none is. mapped (optional) receives the file's extents when they were mapped.
    std::vector<std::optional<BlockRecord>> unmoved(const std::string &path, int fd, std::uint64_t size, std::uint32_t page,
                                                    const BlockStore &store, bool store_unchanged,
                                                    std::optional<std::vector<Extent>> *mapped = nullptr) {
        std::vector<std::optional<BlockRecord>> known;
        if (!recorded) return known;
        auto it = recorded->find(path);
        if (it == recorded->end()) return known;
        const std::vector<BlockRecord> *records = synced.records_of(path, it->second.digest);
        if (!records) return known;
        auto now = file_extents(fd, path);
        if (!now) return known;
        if (mapped) *mapped = *now;
        std::uint64_t full_blocks = std::min(size, synced.size()) / page;
        std::size_t then_cursor = 0, now_cursor = 0;
        for (std::uint64_t b = 0; b < full_blocks && b < records->size(); ++b) {
            const BlockRecord &record = (*records)[b];
            if (record.hole) continue;
            std::uint64_t then = shared_physical(it->second.extents, b * page, page, then_cursor);
            if (then == 0 || shared_physical(*now, b * page, page, now_cursor) != then || (!store_unchanged && !store.find(record.id)))
                continue;
            known.resize(std::size_t(full_blocks));
            known[std::size_t(b)] = record;
        }
        return known;
    }
};

//! A run of a file's blocks read in one piece, and their records once hashed.
struct Chunk {
    std::vector<unsigned char> bytes;
    std::uint64_t first = 0; //!< the index of its first block
    std::size_t size = 0;    //!< the bytes read
    std::vector<std::optional<BlockRecord>> previous; //!< the parent's record of each block, where it has one
    std::vector<BlockRecord> records;
    std::atomic<std::size_t> next_to_hash{0}; //!< the next block a hashing thread takes
};

//! Hashes the chunk's blocks that no other thread has taken into its records, so that the worker and the caller
//! can share one chunk: zero blocks are holes; where the parent's record has the same quick hash, its SHA-256
//! is taken instead of computed.
void hash_chunk(Chunk &chunk, std::uint64_t file_size, std::uint32_t page_size) {
    for (std::size_t i; (i = chunk.next_to_hash.fetch_add(1)) < chunk.records.size();) {
        std::uint32_t length = block_length(file_size, page_size, chunk.first + i);
        const unsigned char *data = chunk.bytes.data() + i * page_size;
        if (all_zero(data, length)) continue;
        BlockRecord &record = chunk.records[i];
        const std::optional<BlockRecord> &previous = chunk.previous[i];
        record.hole = false;
        record.quick = quick_hash(data, length);
        record.id = previous && !previous->hole && previous->quick == record.quick ? previous->id : sha256(data, length);
    }
}

//! What hash_file reads into, kept from file to file: two chunks, and the worker that hashes one while the other
//! is read or its blocks stored (then the caller helps it). The worker is declared last, so it finishes its job
//! before the chunks go.
struct ChunkHashing {
    std::array<Chunk, 2> chunks;
    HashWorker worker;
};

//! Hashes one file block by block into the list, storing new blocks (cloned from the file where the pack can);
//! parent's blocks (same path) spare SHA-256 and the store lookup of blocks whose quick hash is unchanged. With
//! tracking (reflinks), blocks that have not moved since the last sync are not read, and the file's extents are
//! recorded.
QuickHash hash_file(const std::string &full, ListEntry &entry, BlockListWriter &list, PackWriter &pack, BlockListReader *parent,
                    std::uint64_t parent_blocks, std::uint32_t page_size, ChunkHashing &hashing, sdk::Progress &progress,
                    struct stat &st, ExtentTracking *tracking, const BlockStore &store, bool store_unchanged) {
    Fd fd = open_checked(full, O_RDONLY | O_NOFOLLOW); // st: as when the reading begins
    if (::fstat(fd.get(), &st) != 0) throw_errno("cannot examine " + full);
    entry.size = std::uint64_t(st.st_size);
    entry.mtime_ns = to_ns(st.st_mtim);
    entry.mode = permission_bits(st);
    list.begin(entry);
    std::uint64_t count = blocks_of(entry.size, page_size);
    std::vector<std::optional<BlockRecord>> known;
    if (tracking) known = tracking->unmoved(entry.path, fd.get(), entry.size, page_size, store, store_unchanged);
    auto is_known = [&](std::uint64_t index) { return index < known.size() && known[std::size_t(index)]; };
    std::uint64_t chunk_blocks = chunk_for(page_size) / page_size;
    // Stores a hashed chunk's new blocks and lists its records, in file order. A block the parent has at the same
    // place is in the store while the parent exists (this space's lock keeps it; gc keeps its blocks): it is not
    // looked up.
    auto store_chunk = [&](const Chunk &chunk) {
        for (std::size_t i = 0; i < chunk.records.size(); ++i) {
            const BlockRecord &record = chunk.records[i];
            const std::optional<BlockRecord> &previous = chunk.previous[i];
            std::uint64_t index = chunk.first + i;
            if (!record.hole && !(previous && !previous->hole && previous->id == record.id))
                pack.put_from(record.id, chunk.bytes.data() + i * page_size, block_length(entry.size, page_size, index), fd.get(),
                              index * page_size);
            list.block(record);
        }
        progress.advance(chunk.size);
    };
    Chunk *in_worker = nullptr; // the chunk being hashed, whose blocks come next in the list
    auto finish_hashing = [&]() -> Chunk * { // helps hash it, then waits for the worker's last block
        if (!in_worker) return nullptr;
        hash_chunk(*in_worker, entry.size, page_size);
        hashing.worker.wait();
        return std::exchange(in_worker, nullptr);
    };
    for (std::uint64_t first = 0; first < count;) {
        if (is_known(first)) { // unmoved since the last sync: its record is the synced list's
            if (Chunk *hashed = finish_hashing()) store_chunk(*hashed);
            if (parent && first < parent_blocks) (void)parent->block(); // keeps the parent's list in step
            list.block(*known[std::size_t(first++)]);
            progress.advance(page_size); // (only whole blocks are known)
            continue;
        }
        std::uint64_t end = first + 1; // a run of blocks to read
        while (end < count && end - first < chunk_blocks && !is_known(end)) ++end;
        Chunk &chunk = hashing.chunks[in_worker == &hashing.chunks[0] ? 1 : 0];
        chunk.bytes.resize(chunk_for(page_size));
        chunk.first = first;
        chunk.size = std::size_t(std::min<std::uint64_t>((end - first) * page_size, entry.size - first * page_size));
        if (pread_some(fd.get(), chunk.bytes.data(), chunk.size, first * page_size, full) != chunk.size)
            throw BlockError(full + " shrank while it was being snapshotted", "stop the server (or use --online) and snapshot again");
        chunk.previous.clear();
        for (; first < end; ++first)
            chunk.previous.push_back(parent && first < parent_blocks ? std::optional<BlockRecord>(parent->block()) : std::nullopt);
        chunk.records.assign(chunk.previous.size(), BlockRecord{});
        chunk.next_to_hash = 0;
        Chunk *hashed = finish_hashing(); // the one before, stored while the worker hashes this one
        if (chunk.size < worker_min_bytes) { // a short run (blocks changed here and there): handing it over costs more
            if (hashed) store_chunk(*hashed);
            hash_chunk(chunk, entry.size, page_size);
            store_chunk(chunk);
            continue;
        }
        in_worker = &chunk;
        hashing.worker.start([&chunk, size = entry.size, page_size] { hash_chunk(chunk, size, page_size); });
        if (hashed) store_chunk(*hashed);
    }
    if (Chunk *hashed = finish_hashing()) store_chunk(*hashed);
    if (!pack.clones()) return list.end();
    pack.flush_clones(); // the pack now shares the file's extents: they must hold what was hashed
    struct stat after {};
    if (::fstat(fd.get(), &after) != 0) throw_errno("cannot examine " + full);
    if (to_ns(after.st_mtim) != to_ns(st.st_mtim) || to_ns(after.st_ctim) != to_ns(st.st_ctim) || after.st_size != st.st_size)
        throw BlockError(full + " changed while it was being snapshotted", "stop the server (or use --online) and snapshot again");
    QuickHash digest = list.end();
    if (tracking) tracking->record(entry.path, fd.get(), digest);
    return digest;
}

//! The blocks of the live file (as scanned) when the last sync recorded it and it is unchanged since (same size,
//! mtime, inode and ctime) and the store still holds them all (a removed snapshot's blocks may have been
//! collected: looked up unless store_unchanged, no collection since that sync); else null. After a rollback, this
//! spares reading files the parent snapshot does not describe.
const std::vector<BlockRecord> *synced_records(const std::optional<SyncState> &known, SyncedList &synced, const LiveEntry &live,
                                               const BlockStore &store, bool store_unchanged) {
    if (!known) return nullptr;
    auto it = known->files.find(live.path);
    if (it == known->files.end() || !unchanged(it->second, live.st)) return nullptr;
    const std::vector<BlockRecord> *records = synced.records(live.path, it->second.digest, std::uint64_t(live.st.st_size));
    if (!records || store_unchanged) return records;
    for (const auto &record : *records)
        if (!record.hole && !store.find(record.id)) return nullptr;
    return records;
}

} // namespace

void take_snapshot(const EngineJob &job, sdk::Progress &progress) {
    BlockStore store(job.store_root, BlockStore::Access::shared);
    std::uint32_t granule = reflink_granule(job.store_root, job.data_dir);
    auto pack = store.writer(granule);
    std::optional<ExtentTracking> tracking; // opened before the state is rewritten
    if (granule > 0) tracking.emplace(job.data_dir, job.page_size);
    std::optional<BlockListReader> parent;
    std::int64_t trusted_before = 0;
    if (!job.previous_payload_dir.empty()) {
        struct stat st {};
        if (lstat_if_exists(list_path(job.previous_payload_dir), st)) {
            parent.emplace(list_path(job.previous_payload_dir));
            if (parent->header().page_size != job.page_size) parent.reset();
            else if (!parent->header().boot_id.empty() && parent->header().boot_id == boot_id())
                trusted_before = parent->header().created_ns - racy_margin_ns;
        }
    }
    auto known = load_state(job.data_dir);          // what the last sync (snapshot or rollback) recorded, read
    SyncedList synced(job.data_dir, job.page_size); // before this snapshot's state replaces it
    ListHeader header{job.page_size, now_ns(), boot_id()};
    BlockListWriter list(list_path(job.payload_dir), header);
    StateWriter state(job.data_dir, store.generation());
    bool store_unchanged = known && known->store_generation == store.generation(); // no block collected since that sync
    std::int64_t scanned_ns = now_ns();
    ListEntry previous;
    bool have_previous = parent && parent->next(previous);
    ChunkHashing hashing;
    auto entries = scan_tree(job.data_dir);
    std::uint64_t total = 0;
    for (const auto &e : entries)
        if (S_ISREG(e.st.st_mode)) total += std::uint64_t(e.st.st_size);
    sdk::ProgressTask task(progress, "hashing changed files", total);
    for (const auto &live : entries) {
        while (have_previous && previous.path < live.path) have_previous = parent->next(previous);
        bool same_path = have_previous && previous.path == live.path && previous.type == 'F';
        ListEntry entry;
        entry.type = entry_type(live.st);
        entry.path = live.path;
        entry.mode = permission_bits(live.st);
        entry.mtime_ns = to_ns(live.st.st_mtim);
        std::string full = job.data_dir + "/" + live.path;
        if (entry.type == 'D') {
            list.begin(entry);
            (void)list.end();
            continue;
        }
        if (entry.type == 'L') {
            entry.target = read_link(full);
            list.begin(entry);
            (void)list.end();
            continue;
        }
        entry.size = std::uint64_t(live.st.st_size);
        QuickHash digest;
        struct stat st = live.st;
        std::int64_t observed_ns = scanned_ns;
        // Copies the blocks of a list that the live file is known to equal, without reading the file.
        auto reuse = [&](std::uint64_t count, auto next_block) {
            list.begin(entry);
            for (std::uint64_t i = 0; i < count; ++i) list.block(next_block(i));
            digest = list.end();
            if (tracking) tracking->keep(entry.path, full, digest);
            progress.advance(entry.size);
        };
        const std::vector<BlockRecord> *unchanged_since_sync = nullptr;
        if (same_path && previous.size == entry.size && previous.mtime_ns == entry.mtime_ns && previous.mtime_ns < trusted_before &&
            previous.mode == entry.mode) {
            reuse(previous.block_count, [&](std::uint64_t) { return parent->block(); });
        } else if ((unchanged_since_sync = synced_records(known, synced, live, store, store_unchanged))) {
            reuse(unchanged_since_sync->size(), [&](std::uint64_t i) { return (*unchanged_since_sync)[std::size_t(i)]; });
        } else {
            observed_ns = now_ns();
            digest = hash_file(full, entry, list, *pack, same_path ? &*parent : nullptr, same_path ? previous.block_count : 0,
                               job.page_size, hashing, progress, st, tracking ? &*tracking : nullptr, store, store_unchanged);
        }
        state.add(live.path, st, digest, observed_ns);
    }
    list.finish(false);
    pack->commit(); // the new blocks and their index (the host syncs the payload, this block list, before publishing it)
    state.commit(list_path(job.payload_dir));
    if (tracking) tracking->out.commit();
}

void restore_new(const EngineJob &job, sdk::Progress &progress) {
    sync_in_place(job, true, progress);
    syncfs_path(job.data_dir); // (an in-place restore is synced by the host, before it drops its journal)
}

namespace {

//! Between the last write the check saw and a write it did not see, the file's mtime changes as long as the check
//! began this long after that last write (file time stamps advance by clock ticks of at most 10 ms).
constexpr std::int64_t write_tick_margin_ns = 50'000'000;

//! Makes length bytes at position zeros, as a hole where the file system can.
void punch(int fd, std::uint64_t position, std::uint64_t length, std::vector<unsigned char> &scratch, const std::string &what) {
    if (length == 0) return;
    if (::fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off_t(position), off_t(length)) == 0) return;
    scratch.assign(std::size_t(length), 0);
    pwrite_all(fd, scratch.data(), std::size_t(length), position, what);
}

//! True when a live block recorded as was (absent: beyond the live file's end) already holds the snapshot's block.
bool same_block(const BlockRecord &snapshot, const BlockRecord *was) {
    if (!was) return snapshot.hole; // past the live end: zeros once the file is resized
    return snapshot.hole ? was->hole : !was->hole && was->id == snapshot.id;
}

//! What one pass of sync_in_place shares between its files.
struct SyncPass {
    const EngineJob &job;                 //!< the directories
    BlockListReader &list;                //!< the snapshot's list, at the current file's blocks
    BlockStore &store;                    //!< where the snapshot's blocks are read from
    bool apply;                           //!< writing (else only checking)
    const Owner &owner;                   //!< who new entries belong to
    StateWriter *state;                   //!< the new state (apply)
    RestorePlan *plan;                    //!< the check's findings (may be null)
    std::vector<std::pair<BlockId, std::uint32_t>> to_check; //!< the check's stored blocks, read together at its end
    std::vector<unsigned char> live, stored; //!< buffers
    std::uint32_t granule = 0;            //!< reflink_granule of the store and the data directory (0: write bytes)
    ExtentTracking *tracking = nullptr;   //!< reflinks: tells unmoved live blocks; records the extents after this sync (apply)
    bool store_unchanged = false;         //!< the store's generation is the last sync's
    CloneRun clones {};                   //!< blocks being cloned from the store (apply)
    std::vector<unsigned char> other_live; //!< the worker's buffer
    std::vector<BlockRecord> run;         //!< the list's records of the blocks being compared
    std::vector<std::uint8_t> same;       //!< whether each of them is already live
    HashWorker worker {};                 //!< compares the second half of each run
};

//! Reads live blocks [first, first + count) of a file of size file_size (live_size bytes now), a chunk at a time
//! into buffer, and sets same[i] when block first + i already holds records[i] (a hole: zeros or past the live end).
void compare_live(int fd, const std::string &full, std::uint64_t file_size, std::uint64_t live_size, std::uint32_t page, std::uint64_t first,
                  std::size_t count, const BlockRecord *records, std::vector<unsigned char> &buffer, std::uint8_t *same) {
    buffer.resize(chunk_for(page));
    std::size_t chunk_blocks = buffer.size() / page;
    for (std::size_t done = 0; done < count; done += chunk_blocks) {
        std::size_t blocks = std::min(chunk_blocks, count - done);
        std::uint64_t offset = (first + done) * page;
        std::size_t want = offset < live_size ? std::size_t(std::min<std::uint64_t>(blocks * page, live_size - offset)) : 0;
        std::size_t got = want > 0 ? pread_some(fd, buffer.data(), want, offset, full) : 0;
        for (std::size_t n = 0; n < blocks; ++n) {
            std::uint32_t length = block_length(file_size, page, first + done + n);
            std::size_t at = n * page;
            std::size_t live_length = got > at ? std::min<std::size_t>(got - at, page) : 0;
            const BlockRecord &record = records[done + n];
            same[done + n] = record.hole ? live_length == 0 || all_zero(buffer.data() + at, live_length)
                                         : live_length >= length && quick_hash(buffer.data() + at, length) == record.quick;
        }
    }
}

//! One pass of sync_in_place over a file: finds the live blocks that differ from the list's (by the live file's
//! own block list when it is unchanged since it was synced with one, else by reading it), reads (and checks) the
//! stored blocks that differ, and writes them when applying. live_extents: the shared extents recorded with
//! live_records (reflinks; may be null).
void sync_file(SyncPass &pass, const ListEntry &entry, bool exists, const std::vector<BlockRecord> *live_records,
               const std::vector<Extent> *live_extents) {
    const EngineJob &job = pass.job;
    BlockListReader &list = pass.list;
    bool apply = pass.apply;
    RestorePlan *plan = pass.plan;
    std::vector<unsigned char> &live = pass.live, &stored = pass.stored;
    std::string full = job.data_dir + "/" + entry.path;
    Fd fd;
    std::uint64_t live_size = 0;
    if (apply) {
        fd = open_checked(full, O_RDWR | O_CREAT | O_NOFOLLOW, 0600);
        if (!exists) pass.owner.apply(full);
    } else if (exists) {
        int raw = ::open(full.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (raw < 0 && errno != ENOENT) throw_errno("cannot open " + full);
        fd = Fd(raw);
    }
    struct stat st {};
    std::int64_t opened_ns = now_ns();
    if (fd.get() >= 0) {
        if (::fstat(fd.get(), &st) != 0) throw_errno("cannot examine " + full);
        live_size = std::uint64_t(st.st_size);
    }
    std::uint32_t page = job.page_size;
    CheckedFile *checked = nullptr; // the check's record: filled by the check, followed by apply
    bool follow_check = false;
    if (plan && fd.get() >= 0 && !live_records) {
        if (!apply && to_ns(st.st_mtim) < opened_ns - write_tick_margin_ns) {
            checked = &plan->files[entry.path];
            *checked = CheckedFile{std::uint64_t(st.st_size), std::uint64_t(st.st_ino), to_ns(st.st_mtim), to_ns(st.st_ctim), {}, {}};
        } else if (apply) {
            auto it = plan->files.find(entry.path);
            follow_check = it != plan->files.end() && it->second.size == std::uint64_t(st.st_size) && it->second.inode == std::uint64_t(st.st_ino) &&
                           it->second.mtime_ns == to_ns(st.st_mtim) && it->second.ctime_ns == to_ns(st.st_ctim);
            if (follow_check) checked = &it->second;
        }
    }
    // With reflinks, the file's extents before this rewrite (when known without mapping it again), and the byte
    // ranges it rewrites and those it clones: the extents after it follow from them, mapping only the cloned
    // ranges (mapping a whole file that scattered rewrites fragmented costs more than the rewrite itself: XFS
    // looks up the sharing of every extent).
    std::optional<std::vector<Extent>> before;
    if (apply && pass.tracking && live_records && live_extents) before = *live_extents;
    if (follow_check) before = checked->extents;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> rewritten, cloned;
    auto note = [](std::vector<std::pair<std::uint64_t, std::uint64_t>> &ranges, std::uint64_t position, std::uint64_t length) {
        if (!ranges.empty() && ranges.back().second == position) ranges.back().second += length;
        else ranges.emplace_back(position, position + length);
    };
    // Makes block index the list's record (the check only notes the stored block to check); the live bytes there differ.
    auto restore_block = [&](std::uint64_t index, const BlockRecord &record) {
        if (checked && !follow_check) checked->differing.push_back(index);
        std::uint32_t length = block_length(entry.size, page, index);
        std::uint64_t position = index * page;
        if (apply) note(rewritten, position, length);
        if (!apply) {
            if (!record.hole) pass.to_check.emplace_back(record.id, length);
        } else if (record.hole) {
            punch(fd.get(), position, std::min<std::uint64_t>(length, live_size > position ? live_size - position : 0), stored, full);
        } else {
            auto source = pass.store.clone_source(record.id, pass.granule);
            bool clone = source && clonable(source->second, position, length, pass.granule);
            bool verified = plan && std::binary_search(plan->verified.begin(), plan->verified.end(), record.id);
            if (!clone || !verified) pass.store.read_verified(record.id, length, stored); // checked before the live bytes are replaced
            if (clone) {
                note(cloned, position, length);
                pass.clones.add(source->first, source->second, fd.get(), position, length, full);
            } else {
                pass.clones.flush();
                pwrite_all(fd.get(), stored.data(), length, position, full);
            }
        }
    };
    if (follow_check || live_records) {
        std::size_t next = 0; // differing is in increasing order
        for (std::uint64_t index = 0; index < entry.block_count; ++index) {
            BlockRecord record = list.block();
            if (live_records) {
                if (same_block(record, index < live_records->size() ? &(*live_records)[index] : nullptr)) continue;
            } else {
                if (next >= checked->differing.size() || checked->differing[next] != index) continue;
                ++next;
            }
            restore_block(index, record);
        }
    } else {
        // On a reflink file system, blocks still shared at the address recorded with the last sync hold what they
        // held then: only the others are read. (Mapping a running server's file first writes out its dirty pages,
        // which the rollback's own writes and sync would write anyway.)
        std::vector<std::optional<BlockRecord>> unmoved;
        if (pass.tracking && fd.get() >= 0)
            unmoved = pass.tracking->unmoved(entry.path, fd.get(), live_size, page, pass.store, pass.store_unchanged,
                                             apply ? &before : checked ? &checked->extents : nullptr);
        auto is_unmoved = [&](std::uint64_t index) { return index < unmoved.size() && unmoved[std::size_t(index)]; };
        // Runs of up to 64 MiB: this thread compares the first half, the worker the second (reading and hashing a
        // changed 1 GiB segment is most of a rollback after a checkpoint). Runs are long because waking the other
        // thread costs a lot on a VM; only their records, 49 bytes a block, are held.
        std::uint64_t run_blocks = compare_run_bytes / page;
        for (std::uint64_t first = 0; first < entry.block_count;) {
            if (is_unmoved(first)) {
                BlockRecord record = list.block();
                if (!same_block(record, &*unmoved[std::size_t(first)])) restore_block(first, record);
                ++first;
                continue;
            }
            std::uint64_t end = first + 1; // a run of blocks to read
            while (end < entry.block_count && end - first < run_blocks && !is_unmoved(end)) ++end;
            std::size_t count = std::size_t(end - first);
            pass.run.clear();
            for (std::size_t n = 0; n < count; ++n) pass.run.push_back(list.block());
            pass.same.assign(count, 0);
            std::size_t mine = count * page < 2 * worker_min_bytes ? count : count / 2; // short runs stay on this thread
            if (mine < count)
                pass.worker.start([&, mine, count] {
                    compare_live(fd.get(), full, entry.size, live_size, page, first + mine, count - mine, pass.run.data() + mine,
                                 pass.other_live, pass.same.data() + mine);
                });
            try {
                compare_live(fd.get(), full, entry.size, live_size, page, first, mine, pass.run.data(), live, pass.same.data());
            } catch (...) {
                pass.worker.wait_quietly();
                throw;
            }
            pass.worker.wait();
            for (std::size_t n = 0; n < count; ++n, ++first)
                if (!pass.same[n]) restore_block(first, pass.run[n]);
        }
    }
    if (!apply) return;
    pass.clones.flush();
    if (live_size != entry.size && ::ftruncate(fd.get(), off_t(entry.size)) != 0) throw_errno("cannot resize " + full);
    if (permission_bits(st) != entry.mode && ::fchmod(fd.get(), entry.mode) != 0) throw_errno("cannot set the mode of " + full);
    struct timespec times[2] = {to_timespec(entry.mtime_ns), to_timespec(entry.mtime_ns)};
    if (::futimens(fd.get(), times) != 0) throw_errno("cannot set the times of " + full);
    if (::fstat(fd.get(), &st) != 0) throw_errno("cannot examine " + full);
    if (pass.state) pass.state->add(entry.path, st, entry.digest, now_ns());
    if (!pass.tracking) return;
    if (!before) return pass.tracking->record(entry.path, fd.get(), entry.digest);
    std::vector<Extent> after = without_ranges(*before, rewritten, entry.size);
    for (const auto &[begin, end] : cloned) {
        auto mapped = file_extents(fd.get(), full, begin, end);
        if (!mapped) return pass.tracking->record(entry.path, fd.get(), entry.digest);
        after.insert(after.end(), mapped->begin(), mapped->end());
    }
    std::sort(after.begin(), after.end(), [](const Extent &a, const Extent &b) { return a.logical < b.logical; });
    pass.tracking->out.add(entry.path, entry.digest, after);
}

} // namespace

void sync_in_place(const EngineJob &requested, bool apply, sdk::Progress &progress, RestorePlan *plan) {
    BlockListReader list(list_path(requested.payload_dir));
    EngineJob job = requested;
    job.page_size = list.header().page_size; // the snapshot's blocks, whatever the flavour says today
    BlockStore store(job.store_root, BlockStore::Access::shared);
    auto known = load_state(job.data_dir);
    SyncedList synced(job.data_dir, job.page_size); // opened before forget_state unlinks it
    std::uint32_t granule = reflink_granule(job.store_root, job.data_dir);
    std::optional<ExtentTracking> tracking; // likewise (its recorded extents are kept for files that stay equal)
    if (granule > 0) tracking.emplace(job.data_dir, job.page_size);
    if (apply) forget_state(job.data_dir);
    if (plan && (plan->data_dir != job.data_dir || plan->payload_dir != job.payload_dir || !apply)) {
        if (apply) plan = nullptr; // a check of something else: not followed
        else *plan = RestorePlan{job.data_dir, job.payload_dir, {}, {}};
    }
    std::optional<StateWriter> state;
    if (apply) state.emplace(job.data_dir, store.generation());
    Owner owner(job.data_dir);
    auto live = scan_tree(job.data_dir);
    std::vector<std::pair<std::string, std::int64_t>> dirs; // mode and times of directories are set last
    std::vector<std::uint32_t> dir_modes;
    bool store_unchanged = known && known->store_generation == store.generation(); // no block collected since that sync
    SyncPass pass{job, list, store, apply, owner, state ? &*state : nullptr, plan, {}, {}, {}, granule, tracking ? &*tracking : nullptr,
                  store_unchanged, {}, {}, {}, {}, {}};
    std::string removed_prefix;
    std::size_t l = 0;
    ListEntry entry;
    sdk::ProgressTask task(progress, apply ? "restoring changed blocks" : "checking the blocks to restore", 0);
    auto remove_live = [&](const LiveEntry &gone) {
        if (apply) remove_tree(job.data_dir + "/" + gone.path);
        if (S_ISDIR(gone.st.st_mode)) removed_prefix = gone.path + "/";
    };
    auto skip_removed = [&] {
        while (l < live.size() && !removed_prefix.empty() && live[l].path.compare(0, removed_prefix.size(), removed_prefix) == 0) ++l;
    };
    while (list.next(entry)) {
        skip_removed();
        while (l < live.size() && live[l].path < entry.path) {
            remove_live(live[l++]);
            skip_removed();
        }
        const LiveEntry *match = l < live.size() && live[l].path == entry.path ? &live[l] : nullptr;
        if (match) ++l;
        if (match && entry_type(match->st) != entry.type) {
            remove_live(*match);
            match = nullptr;
        }
        std::string full = job.data_dir + "/" + entry.path;
        if (entry.type == 'D') {
            if (!match && apply) {
                if (::mkdir(full.c_str(), 0700) != 0) throw_errno("cannot create " + full);
                owner.apply(full);
            }
            dirs.emplace_back(full, entry.mtime_ns);
            dir_modes.push_back(entry.mode);
        } else if (entry.type == 'L') {
            if (!apply) continue;
            if (match && read_link(full) == entry.target) continue;
            if (match && ::unlink(full.c_str()) != 0) throw_errno("cannot remove " + full);
            if (::symlink(entry.target.c_str(), full.c_str()) != 0) throw_errno("cannot create the symbolic link " + full);
            owner.apply(full);
            set_mtime(full, entry.mtime_ns);
        } else {
            bool trusted = false;
            const std::vector<BlockRecord> *live_records = nullptr; // the live file's blocks, known without reading it
            auto it = match && known ? known->files.find(entry.path) : std::map<std::string, Fingerprint>::const_iterator{};
            if (match && known && it != known->files.end() && unchanged(it->second, match->st)) {
                trusted = it->second.digest == entry.digest && permission_bits(match->st) == entry.mode && to_ns(match->st.st_mtim) == entry.mtime_ns;
                if (!trusted) live_records = synced.records(entry.path, it->second.digest, std::uint64_t(match->st.st_size));
            }
            if (trusted) {
                if (state) state->add(entry.path, match->st, entry.digest, now_ns());
                if (tracking && apply) tracking->keep(entry.path, full, entry.digest);
                continue;
            }
            sync_file(pass, entry, match != nullptr, live_records,
                      live_records && tracking ? tracking->recorded_extents(entry.path, it->second.digest) : nullptr);
        }
    }
    for (skip_removed(); l < live.size(); skip_removed()) remove_live(live[l++]);
    if (!apply) {
        auto verified = store.check_blocks(std::move(pass.to_check));
        if (plan) plan->verified = std::move(verified);
        return;
    }
    for (std::size_t i = dirs.size(); i-- > 0;) {
        if (::chmod(dirs[i].first.c_str(), dir_modes[i]) != 0) throw_errno("cannot set the mode of " + dirs[i].first);
        set_mtime(dirs[i].first, dirs[i].second);
    }
    state->commit(list_path(job.payload_dir));
    if (tracking) tracking->out.commit();
}

bool equals_by_state(const EngineJob &job) {
    auto known = load_state(job.data_dir);
    struct stat root {};
    if (!known || !lstat_if_exists(job.data_dir, root) || !S_ISDIR(root.st_mode)) return false;
    BlockListReader list(list_path(job.payload_dir));
    auto live = scan_tree(job.data_dir);
    std::size_t l = 0;
    ListEntry entry;
    while (list.next(entry)) {
        if (l == live.size() || live[l].path != entry.path) return false; // missing here, or something extra before it
        const struct stat &st = live[l++].st;
        if (entry_type(st) != entry.type || (entry.type != 'L' && permission_bits(st) != entry.mode)) return false;
        if (entry.type == 'L' && read_link(job.data_dir + "/" + entry.path) != entry.target) return false;
        if (entry.type == 'D' && to_ns(st.st_mtim) != entry.mtime_ns) return false;
        if (entry.type != 'F') continue;
        auto it = known->files.find(entry.path);
        if (it == known->files.end() || !unchanged(it->second, st) || it->second.digest != entry.digest || to_ns(st.st_mtim) != entry.mtime_ns)
            return false;
    }
    return l == live.size();
}

void verify_payload(const std::string &store_root, const std::string &payload_dir) {
    BlockStore store(store_root, BlockStore::Access::shared);
    BlockListReader list(list_path(payload_dir));
    ListEntry entry;
    std::vector<unsigned char> buffer;
    while (list.next(entry)) {
        for (std::uint64_t i = 0; i < entry.block_count; ++i) {
            BlockRecord record = list.block();
            if (record.hole) continue;
            std::uint32_t length = block_length(entry.size, list.header().page_size, i);
            try {
                store.read_verified(record.id, length, buffer);
            } catch (const BlockError &e) {
                throw BlockError("file " + entry.path + " of the snapshot is damaged: " + e.what(), e.hint());
            }
            if (quick_hash(buffer.data(), length) != record.quick)
                throw BlockError("block " + std::to_string(i) + " of file " + entry.path + " does not match its recorded hash",
                                 "the snapshot's block list is damaged: remove the snapshot");
        }
    }
}

namespace {

//! Calls fn(id, length) for every stored block the payload uses.
template <typename Fn>
void for_each_block(const std::string &payload_dir, Fn fn) {
    BlockListReader list(list_path(payload_dir));
    ListEntry entry;
    while (list.next(entry))
        for (std::uint64_t i = 0; i < entry.block_count; ++i) {
            BlockRecord record = list.block();
            if (!record.hole) fn(record.id, block_length(entry.size, list.header().page_size, i));
        }
}

} // namespace

std::uint64_t collect_garbage(const std::string &store_root, const std::vector<std::string> &live_payload_dirs) {
    std::vector<BlockId> live;
    for (const auto &dir : live_payload_dirs) {
        try {
            for_each_block(dir, [&](const BlockId &id, std::uint32_t) { live.push_back(id); });
        } catch (const BlockError &e) {
            throw BlockError(std::string("cannot tell which blocks snapshot ") + dir + " uses, so nothing was collected: " + e.what(),
                             "run `dspace snapshot verify --repair`, then collect again");
        }
        std::sort(live.begin(), live.end());
        live.erase(std::unique(live.begin(), live.end()), live.end());
    }
    BlockStore store(store_root, BlockStore::Access::exclusive);
    return store.collect(live);
}

std::pair<std::uint64_t, std::uint64_t> store_usage(const std::string &payload_dir, const std::vector<std::string> &live_payload_dirs) {
    std::vector<std::pair<BlockId, std::uint32_t>> own;
    for_each_block(payload_dir, [&](const BlockId &id, std::uint32_t length) { own.emplace_back(id, length); });
    std::sort(own.begin(), own.end());
    own.erase(std::unique(own.begin(), own.end(), [](const auto &a, const auto &b) { return a.first == b.first; }), own.end());
    std::vector<bool> shared(own.size());
    struct stat self {};
    bool have_self = ::stat(payload_dir.c_str(), &self) == 0;
    for (const auto &dir : live_payload_dirs) {
        struct stat other {};
        if (have_self && ::stat(dir.c_str(), &other) == 0 && other.st_dev == self.st_dev && other.st_ino == self.st_ino) continue;
        for_each_block(dir, [&](const BlockId &id, std::uint32_t) {
            auto it = std::lower_bound(own.begin(), own.end(), id, [](const auto &a, const BlockId &b) { return a.first < b; });
            if (it != own.end() && it->first == id) shared[std::size_t(it - own.begin())] = true;
        });
    }
    std::pair<std::uint64_t, std::uint64_t> usage{0, 0};
    for (std::size_t i = 0; i < own.size(); ++i) (shared[i] ? usage.second : usage.first) += own[i].second;
    return usage;
}

} // namespace dspace::blocks
