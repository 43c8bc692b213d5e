// Writing and reading block lists.
#include "block_list.hpp"

#include <xxhash.h>

namespace dspace::blocks {

namespace {

constexpr char magic[8] = {'D', 'S', 'B', 'L', 'I', 'S', 'T', '1'};
constexpr std::size_t record_size = 1 + 32 + 16;

void encode(const BlockRecord &record, unsigned char *out) {
    out[0] = record.hole ? 0 : 1;
    std::memcpy(out + 1, record.id.data(), 32);
    std::memcpy(out + 33, record.quick.data(), 16);
}

BlockError damaged(const std::string &path, const std::string &why) {
    return BlockError("block list " + path + " is damaged: " + why, "run `dspace snapshot verify`; remove the snapshot if it stays damaged");
}

} // namespace

QuickHash records_digest(const std::vector<BlockRecord> &records) {
    XXH3_state_t *hash = XXH3_createState();
    if (!hash) throw BlockError("out of memory while hashing a block list");
    XXH3_128bits_reset(hash);
    unsigned char raw[record_size];
    for (const auto &record : records) {
        encode(record, raw);
        XXH3_128bits_update(hash, raw, sizeof raw);
    }
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(hash));
    XXH3_freeState(hash);
    QuickHash digest {};
    std::memcpy(digest.data(), canonical.digest, digest.size());
    return digest;
}

bool safe_relative_path(const std::string &path) {
    if (path.empty() || path.front() == '/' || path.back() == '/') return false;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t slash = path.find('/', start);
        if (slash == std::string::npos) slash = path.size();
        std::string part = path.substr(start, slash - start);
        if (part.empty() || part == "." || part == ".." || part.find('\0') != std::string::npos) return false;
        start = slash + 1;
    }
    return true;
}

struct BlockListWriter::State {
    RecordWriter out;
    std::uint32_t page_size;
    std::uint64_t entries = 0, expected = 0, written = 0, digest_at = 0;
    std::string last_path;
    bool open = false;
    XXH3_state_t *hash = XXH3_createState();
    State(const std::string &path, std::uint32_t page) : out(path), page_size(page) {}
    ~State() { XXH3_freeState(hash); }
};

BlockListWriter::BlockListWriter(const std::string &path, const ListHeader &header)
    : state_(std::make_unique<State>(path, header.page_size)) {
    if (header.page_size == 0) throw BlockError("a block list needs a page size above zero");
    state_->out.bytes(magic, sizeof magic);
    state_->out.integer<std::uint32_t>(header.page_size);
    state_->out.integer<std::uint64_t>(std::uint64_t(header.created_ns));
    state_->out.text(header.boot_id);
}

BlockListWriter::~BlockListWriter() = default;

void BlockListWriter::begin(const ListEntry &entry) {
    State &s = *state_;
    if (s.open) throw BlockError("internal error: block list entry " + s.last_path + " was not ended");
    if (s.entries > 0 && !(s.last_path < entry.path)) throw BlockError("internal error: block list entries out of order at " + entry.path);
    s.last_path = entry.path;
    s.expected = entry.type == 'F' ? blocks_of(entry.size, s.page_size) : 0;
    s.out.integer<std::uint8_t>(std::uint8_t(entry.type));
    s.out.text(entry.path);
    s.out.integer<std::uint32_t>(entry.mode);
    s.out.integer<std::uint64_t>(std::uint64_t(entry.mtime_ns));
    s.out.integer<std::uint64_t>(entry.size);
    s.out.text(entry.target);
    s.out.integer<std::uint64_t>(s.expected);
    s.digest_at = s.out.offset();
    QuickHash zero {};
    s.out.bytes(zero.data(), zero.size());
    s.written = 0;
    s.open = true;
    XXH3_128bits_reset(s.hash);
}

void BlockListWriter::block(const BlockRecord &record) {
    State &s = *state_;
    if (!s.open || s.written >= s.expected) throw BlockError("internal error: too many blocks for " + s.last_path);
    unsigned char raw[record_size];
    encode(record, raw);
    s.out.bytes(raw, sizeof raw);
    XXH3_128bits_update(s.hash, raw, sizeof raw);
    ++s.written;
}

QuickHash BlockListWriter::end() {
    State &s = *state_;
    if (!s.open || s.written != s.expected) throw BlockError("internal error: wrong number of blocks for " + s.last_path);
    QuickHash digest {};
    if (s.expected > 0) {
        XXH128_canonical_t canonical;
        XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(s.hash));
        std::memcpy(digest.data(), canonical.digest, digest.size());
        s.out.patch(s.digest_at, digest.data(), digest.size());
    }
    s.open = false;
    ++s.entries;
    return digest;
}

void BlockListWriter::finish(bool sync) {
    State &s = *state_;
    if (s.open) throw BlockError("internal error: block list entry " + s.last_path + " was not ended");
    s.out.integer<std::uint8_t>('E');
    s.out.integer<std::uint64_t>(s.entries);
    s.out.finish(sync);
}

struct BlockListReader::State {
    RecordReader in;
    ListHeader header;
    std::uint64_t entries = 0, remaining = 0;
    std::string last_path;
    bool ended = false;
    explicit State(const std::string &path) : in(path) {}
};

BlockListReader::BlockListReader(const std::string &path) : state_(std::make_unique<State>(path)) {
    char got[sizeof magic];
    state_->in.bytes(got, sizeof got);
    if (std::memcmp(got, magic, sizeof magic) != 0) throw damaged(path, "it does not start with the block list signature");
    state_->header.page_size = state_->in.integer<std::uint32_t>();
    state_->header.created_ns = std::int64_t(state_->in.integer<std::uint64_t>());
    state_->header.boot_id = state_->in.text();
    if (state_->header.page_size == 0) throw damaged(path, "its page size is zero");
}

BlockListReader::~BlockListReader() = default;

const ListHeader &BlockListReader::header() const { return state_->header; }

bool BlockListReader::next(ListEntry &entry) {
    State &s = *state_;
    if (s.ended) return false;
    if (s.remaining > 0) s.in.seek(s.in.offset() + s.remaining * record_size);
    s.remaining = 0;
    auto type = char(s.in.integer<std::uint8_t>());
    if (type == 'E') {
        if (s.in.integer<std::uint64_t>() != s.entries) throw damaged(s.in.path(), "its entry count does not match");
        s.ended = true;
        return false;
    }
    if (type != 'F' && type != 'D' && type != 'L') throw damaged(s.in.path(), "unknown entry type");
    entry.type = type;
    entry.path = s.in.text();
    entry.mode = s.in.integer<std::uint32_t>();
    entry.mtime_ns = std::int64_t(s.in.integer<std::uint64_t>());
    entry.size = s.in.integer<std::uint64_t>();
    entry.target = s.in.text();
    entry.block_count = s.in.integer<std::uint64_t>();
    s.in.bytes(entry.digest.data(), entry.digest.size());
    if (!safe_relative_path(entry.path)) throw damaged(s.in.path(), "unsafe path '" + entry.path + "'");
    if (s.entries > 0 && !(s.last_path < entry.path)) throw damaged(s.in.path(), "entries out of order at '" + entry.path + "'");
    std::uint64_t expected = type == 'F' ? blocks_of(entry.size, s.header.page_size) : 0;
    if (entry.block_count != expected) throw damaged(s.in.path(), "wrong block count for '" + entry.path + "'");
    s.last_path = entry.path;
    s.remaining = entry.block_count;
    ++s.entries;
    return true;
}

BlockRecord BlockListReader::block() {
    State &s = *state_;
    if (s.remaining == 0) throw BlockError("internal error: read past the blocks of " + s.last_path);
    unsigned char raw[record_size];
    s.in.bytes(raw, sizeof raw);
    --s.remaining;
    if (raw[0] > 1) throw damaged(s.in.path(), "unknown block kind in '" + s.last_path + "'");
    BlockRecord record;
    record.hole = raw[0] == 0;
    std::memcpy(record.id.data(), raw + 1, 32);
    std::memcpy(record.quick.data(), raw + 33, 16);
    return record;
}

} // namespace dspace::blocks
