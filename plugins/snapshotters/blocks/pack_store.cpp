// The block store: pack files, their indexes, lookups, and garbage collection.
#include "pack_store.hpp"
#include "id_search.hpp"

#include "record_io.hpp"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <random>
#include <set>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

namespace dspace::blocks {

namespace {

constexpr char index_magic[8] = {'D', 'S', 'B', 'I', 'D', 'X', '0', '1'};
constexpr std::size_t header_size = 16, entry_size = 44;

std::string random_name() {
    std::random_device device;
    std::mt19937_64 generator((std::uint64_t(device()) << 32) ^ device() ^ std::uint64_t(now_ns()));
    static const char digits[] = "0123456789abcdef";
    std::string out;
    std::uint64_t value = generator();
    for (int i = 0; i < 16; ++i, value >>= 4) out += digits[value & 15];
    return out;
}

void make_dir(const std::string &path) {
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) throw_errno("cannot create " + path);
}

std::vector<std::string> list_dir(const std::string &path) {
    std::vector<std::string> names;
    DIR *dir = ::opendir(path.c_str());
    if (!dir) throw_errno("cannot list " + path);
    while (dirent *entry = ::readdir(dir)) {
        std::string name = entry->d_name;
        if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end());
    return names;
}

bool ends_with(const std::string &text, const std::string &suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

IndexEntry decode_entry(const unsigned char *raw) {
    IndexEntry entry;
    std::memcpy(entry.id.data(), raw, 32);
    for (int i = 0; i < 8; ++i) entry.offset |= std::uint64_t(raw[32 + i]) << (8 * i);
    for (int i = 0; i < 4; ++i) entry.length |= std::uint32_t(raw[40 + i]) << (8 * i);
    return entry;
}

BlockError damaged_index(const std::string &path, const std::string &why) {
    return BlockError("pack index " + path + " is damaged: " + why, "run `dspace snapshot verify` to see which snapshots are affected");
}

} // namespace

void write_pack_index(const std::string &path, std::vector<IndexEntry> entries) {
    std::sort(entries.begin(), entries.end(), [](const IndexEntry &a, const IndexEntry &b) { return a.id < b.id; });
    RecordWriter out(path);
    out.bytes(index_magic, sizeof index_magic);
    out.integer<std::uint64_t>(entries.size());
    for (const auto &entry : entries) {
        out.bytes(entry.id.data(), entry.id.size());
        out.integer<std::uint64_t>(entry.offset);
        out.integer<std::uint32_t>(entry.length);
    }
    out.finish(true);
}

std::vector<IndexEntry> read_pack_index(const std::string &path) {
    RecordReader in(path);
    char magic[8];
    in.bytes(magic, sizeof magic);
    if (std::memcmp(magic, index_magic, sizeof magic) != 0) throw damaged_index(path, "wrong signature");
    auto count = in.integer<std::uint64_t>();
    std::vector<IndexEntry> entries;
    for (std::uint64_t i = 0; i < count; ++i) {
        unsigned char raw[entry_size];
        in.bytes(raw, sizeof raw);
        entries.push_back(decode_entry(raw));
        if (i > 0 && !(entries[i - 1].id < entries[i].id)) throw damaged_index(path, "entries out of order");
    }
    if (!in.at_end()) throw damaged_index(path, "bytes after the last entry");
    return entries;
}

//! One pack: its data file and its memory-mapped index.
struct BlockStore::Pack {
    std::string name;
    Fd data;
    void *map = nullptr;
    std::size_t map_size = 0;
    std::uint64_t count = 0;
    ~Pack() {
        if (map) ::munmap(map, map_size);
    }
    const unsigned char *entry(std::uint64_t i) const { return static_cast<const unsigned char *>(map) + header_size + i * entry_size; }
    std::optional<IndexEntry> find(const BlockId &id) const {
        auto index = search_sorted_ids(entry(0), count, entry_size, id);
        if (!index) return std::nullopt;
        return decode_entry(entry(*index));
    }
};

BlockStore::BlockStore(const std::string &root, Access access) : root_(root), packs_dir_(root + "/packs") {
    make_dir(root_);
    make_dir(packs_dir_);
    lock_ = open_checked(root_ + "/lock", O_RDWR | O_CREAT | O_NOFOLLOW, 0600);
    int operation = access == Access::exclusive ? LOCK_EX : LOCK_SH;
    while (::flock(lock_.get(), operation) != 0)
        if (errno != EINTR) throw_errno("cannot lock the block store " + root_);
    load_generation();
    load();
}

void BlockStore::load_generation() {
    std::string path = root_ + "/generation";
    struct stat st {};
    if (lstat_if_exists(path, st) && S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size < 64) {
        Fd fd = open_checked(path, O_RDONLY | O_NOFOLLOW);
        generation_.resize(std::size_t(st.st_size));
        generation_.resize(pread_some(fd.get(), generation_.data(), generation_.size(), 0, path));
        auto space = generation_.find(' ');
        if (space != std::string::npos && space + 1 < generation_.size() &&
            generation_.find_first_not_of("0123456789", space + 1) == std::string::npos)
            return;
    }
    // A new id: states synced with whatever was here before are not trusted. (Two processes creating it at once
    // may each keep their own id for a while: a mismatch only costs lookups.)
    generation_ = random_name() + " 0";
    write_file_durable(path, generation_);
}

void BlockStore::next_generation() {
    auto space = generation_.find(' ');
    generation_ = generation_.substr(0, space) + " " + std::to_string(std::stoull(generation_.substr(space + 1)) + 1);
    write_file_durable(root_ + "/generation", generation_);
}

BlockStore::~BlockStore() = default;

void BlockStore::load() {
    packs_.clear();
    for (const auto &name : list_dir(packs_dir_))
        if (ends_with(name, ".idx")) open_pack(name.substr(0, name.size() - 4));
}

void BlockStore::open_pack(const std::string &name) {
    auto pack = std::make_unique<Pack>();
    pack->name = name;
    std::string index_path = packs_dir_ + "/" + name + ".idx";
    Fd index = open_checked(index_path, O_RDONLY | O_NOFOLLOW);
    struct stat st {};
    if (::fstat(index.get(), &st) != 0) throw_errno("cannot examine " + index_path);
    if (std::size_t(st.st_size) < header_size) throw damaged_index(index_path, "too short");
    pack->map_size = std::size_t(st.st_size);
    pack->map = ::mmap(nullptr, pack->map_size, PROT_READ, MAP_SHARED, index.get(), 0);
    if (pack->map == MAP_FAILED) {
        pack->map = nullptr;
        throw_errno("cannot map " + index_path);
    }
    if (std::memcmp(pack->map, index_magic, sizeof index_magic) != 0) throw damaged_index(index_path, "wrong signature");
    const auto *raw = static_cast<const unsigned char *>(pack->map);
    for (int i = 0; i < 8; ++i) pack->count |= std::uint64_t(raw[8 + i]) << (8 * i);
    if (header_size + pack->count * entry_size != pack->map_size) throw damaged_index(index_path, "its size does not match its entry count");
    pack->data = open_checked(packs_dir_ + "/" + pack->name + ".pack", O_RDONLY | O_NOFOLLOW);
    packs_.push_back(std::move(pack));
}

std::optional<BlockLocation> BlockStore::find(const BlockId &id) const {
    std::size_t last = last_found_ < packs_.size() ? last_found_ : 0;
    for (std::size_t n = 0; n < packs_.size(); ++n) {
        std::size_t i = n == 0 ? last : n <= last ? n - 1 : n; // the pack that held the last one first
        if (auto entry = packs_[i]->find(id)) {
            last_found_ = i;
            return BlockLocation{i, entry->offset, entry->length};
        }
    }
    return std::nullopt;
}

void BlockStore::read_verified(const BlockId &id, std::uint32_t length, std::vector<unsigned char> &out) const {
    auto location = find(id);
    if (!location)
        throw BlockError("block " + to_hex(id) + " is missing from the block store " + root_,
                         "the snapshot is damaged: run `dspace snapshot verify`, and roll back to another snapshot");
    if (location->length != length)
        throw BlockError("block " + to_hex(id) + " has length " + std::to_string(location->length) + " in the store, not " + std::to_string(length),
                         "the snapshot is damaged: run `dspace snapshot verify`");
    out.resize(length);
    const Pack &pack = *packs_[location->pack];
    std::string what = packs_dir_ + "/" + pack.name + ".pack";
    if (pread_some(pack.data.get(), out.data(), length, location->offset, what) != length || sha256(out.data(), length) != id)
        throw BlockError("block " + to_hex(id) + " in " + what + " does not match its SHA-256: the store is damaged",
                         "run `dspace snapshot verify` to see which snapshots use it, and roll back to another snapshot");
}

std::vector<BlockId> BlockStore::check_blocks(std::vector<std::pair<BlockId, std::uint32_t>> blocks) const {
    std::sort(blocks.begin(), blocks.end());
    blocks.erase(std::unique(blocks.begin(), blocks.end()), blocks.end());
    std::vector<std::pair<BlockLocation, std::size_t>> order; // where each block is, in pack order
    order.reserve(blocks.size());
    for (std::size_t i = 0; i < blocks.size(); ++i)
        if (auto location = find(blocks[i].first)) order.emplace_back(*location, i);
    std::sort(order.begin(), order.end(), [](const auto &a, const auto &b) {
        return a.first.pack != b.first.pack ? a.first.pack < b.first.pack : a.first.offset < b.first.offset;
    });
    for (std::size_t i = 0; i < order.size();) { // read ahead, adjacent blocks as one range
        const BlockLocation &first = order[i].first;
        std::uint64_t end = first.offset + first.length;
        for (++i; i < order.size() && order[i].first.pack == first.pack && order[i].first.offset <= end; ++i)
            end = std::max<std::uint64_t>(end, order[i].first.offset + order[i].first.length);
        ::posix_fadvise(packs_[first.pack]->data.get(), off_t(first.offset), off_t(end - first.offset), POSIX_FADV_WILLNEED); // advice only
    }
    std::vector<unsigned char> buffer;
    for (const auto &[location, i] : order) read_verified(blocks[i].first, blocks[i].second, buffer);
    if (order.size() < blocks.size()) // some are missing: read_verified says which
        for (const auto &[id, length] : blocks)
            if (!find(id)) read_verified(id, length, buffer);
    std::vector<BlockId> ids;
    ids.reserve(blocks.size());
    for (const auto &block : blocks) ids.push_back(block.first);
    return ids;
}

std::unique_ptr<PackWriter> BlockStore::writer(std::uint32_t granule) { return std::make_unique<PackWriter>(*this, true, granule); }

std::optional<std::pair<int, std::uint64_t>> BlockStore::clone_source(const BlockId &id, std::uint32_t granule) const {
    auto location = find(id);
    if (!location || !clonable(location->offset, 0, location->length, granule)) return std::nullopt;
    return std::make_pair(packs_[location->pack]->data.get(), location->offset);
}

std::uint64_t BlockStore::collect(const std::vector<BlockId> &live) {
    std::uint64_t freed = 0;
    for (const auto &name : list_dir(root_)) // a generation file's write that a crash cut short
        if (name.rfind("generation.tmp-", 0) == 0 && ::unlink((root_ + "/" + name).c_str()) != 0 && errno != ENOENT)
            throw_errno("cannot remove " + root_ + "/" + name);
    std::set<std::string> indexed;
    for (const auto &pack : packs_) indexed.insert(pack->name);
    for (const auto &name : list_dir(packs_dir_)) { // leftovers of interrupted writers: no writer runs now
        bool orphan = ends_with(name, ".tmp") || (ends_with(name, ".pack") && !indexed.count(name.substr(0, name.size() - 5)));
        if (!orphan) continue;
        struct stat st {};
        if (lstat_if_exists(packs_dir_ + "/" + name, st)) freed += std::uint64_t(st.st_size);
        if (::unlink((packs_dir_ + "/" + name).c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove " + packs_dir_ + "/" + name);
    }
    std::vector<bool> kept(live.size());
    auto live_index = [&](const BlockId &id) -> std::optional<std::size_t> {
        auto it = std::lower_bound(live.begin(), live.end(), id);
        if (it == live.end() || *it != id) return std::nullopt;
        return std::size_t(it - live.begin());
    };
    std::vector<std::size_t> dirty;
    for (std::size_t p = 0; p < packs_.size(); ++p) {
        const Pack &pack = *packs_[p];
        bool clean = true;
        for (std::uint64_t i = 0; i < pack.count && clean; ++i) {
            auto at = live_index(decode_entry(pack.entry(i)).id);
            clean = at && !kept[*at];
        }
        if (!clean) {
            dirty.push_back(p);
            continue;
        }
        for (std::uint64_t i = 0; i < pack.count; ++i) kept[*live_index(decode_entry(pack.entry(i)).id)] = true;
    }
    if (dirty.empty()) {
        if (freed > 0) fsync_path(packs_dir_);
        return freed;
    }
    std::uint64_t added = 0;
    {
        PackWriter rewritten(*this, false, reflink_granule(packs_dir_, packs_dir_));
        for (std::size_t p : dirty) {
            const Pack &pack = *packs_[p];
            for (std::uint64_t i = 0; i < pack.count; ++i) {
                IndexEntry entry = decode_entry(pack.entry(i));
                auto at = live_index(entry.id);
                if (!at || kept[*at]) continue;
                kept[*at] = true;
                rewritten.put_from(entry.id, nullptr, entry.length, pack.data.get(), entry.offset, // cloned, else copied in the kernel
                                   packs_dir_ + "/" + pack.name + ".pack");
            }
        }
        added = rewritten.commit();
    }
    next_generation(); // before the first block goes
    for (std::size_t p : dirty) { // the index goes first: a pack without index is only garbage
        std::string base = packs_dir_ + "/" + packs_[p]->name;
        struct stat st {};
        if (lstat_if_exists(base + ".pack", st)) freed += std::uint64_t(st.st_size);
        if (::unlink((base + ".idx").c_str()) != 0) throw_errno("cannot remove " + base + ".idx");
        if (::unlink((base + ".pack").c_str()) != 0) throw_errno("cannot remove " + base + ".pack");
    }
    fsync_path(packs_dir_);
    load();
    return freed > added ? freed - added : 0;
}

PackWriter::PackWriter(BlockStore &store, bool skip_stored, std::uint32_t granule)
    : store_(store), name_(random_name()), out_(std::make_unique<RecordWriter>(store.packs_dir_ + "/" + name_ + ".pack")),
      skip_stored_(skip_stored), granule_(granule) {}

PackWriter::~PackWriter() {
    if (!committed_) ::unlink((store_.packs_dir_ + "/" + name_ + ".pack").c_str());
}

bool PackWriter::put(const BlockId &id, const void *data, std::uint32_t length) { return put_from(id, data, length, -1, 0); }

bool PackWriter::put_from(const BlockId &id, const void *data, std::uint32_t length, int from, std::uint64_t from_offset,
                          const std::string &from_what) {
    if (added_.count(id) || (skip_stored_ && store_.find(id))) return false;
    if (added_.size() >= max_pack_blocks) { // a bounded pack (and memory): publish it, go on in a new one
        bytes_ += seal();
        name_ = random_name();
        out_ = std::make_unique<RecordWriter>(store_.packs_dir_ + "/" + name_ + ".pack");
    }
    bool aligned = clonable(0, 0, length, granule_);
    if (aligned && out_->offset() % granule_ != 0) {
        flush_clones(); // bytes go after the deferred clones
        static const std::vector<unsigned char> zeros(1 << 16);
        out_->bytes(zeros.data(), std::size_t(align_up(out_->offset(), granule_) - out_->offset()));
    }
    IndexEntry entry{id, out_->offset(), length};
    if (from >= 0 && aligned && clonable(from_offset, entry.offset, length, granule_)) {
        clones_.add(from, from_offset, out_->append_externally(length), entry.offset, length, store_.packs_dir_ + "/" + name_ + ".pack");
    } else if (data) {
        flush_clones();
        out_->bytes(data, length);
    } else {
        flush_clones();
        std::string what = store_.packs_dir_ + "/" + name_ + ".pack";
        copy_range(from, from_offset, out_->append_externally(length), entry.offset, length, from_what, what);
    }
    added_.emplace(id, entry);
    return true;
}

void PackWriter::flush_clones() { clones_.flush(); }

std::uint64_t PackWriter::commit() {
    bytes_ += seal();
    committed_ = true;
    return bytes_;
}

std::uint64_t PackWriter::seal() {
    flush_clones();
    std::string base = store_.packs_dir_ + "/" + name_;
    std::uint64_t bytes = out_->offset();
    out_->finish(!added_.empty());
    if (added_.empty()) {
        if (::unlink((base + ".pack").c_str()) != 0) throw_errno("cannot remove " + base + ".pack");
        return 0;
    }
    std::vector<IndexEntry> entries;
    entries.reserve(added_.size());
    for (const auto &[id, entry] : added_) entries.push_back(entry);
    added_.clear();
    write_pack_index(base + ".idx.tmp", std::move(entries)); // the pack's bytes and its index are on disk before the index is named
    if (::rename((base + ".idx.tmp").c_str(), (base + ".idx").c_str()) != 0) throw_errno("cannot publish " + base + ".idx");
    fsync_path(store_.packs_dir_);
    store_.open_pack(name_); // its blocks are found from now on
    return bytes;
}

} // namespace dspace::blocks
