// Copying blocks in and out of the block store for push and pull.
#include "block_transfer.hpp"
#include "block_list.hpp"
#include "pack_store.hpp"

#include <unordered_set>

namespace dspace::blocks {

namespace {

//! The id a 64-digit lower-case hex text names; throws BlockError for anything else.
BlockId parse_id(const std::string &hex) {
    auto digit = [&](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        throw BlockError("'" + hex + "' is not a block id (64 lower-case hex digits)");
    };
    if (hex.size() != 64) throw BlockError("'" + hex + "' is not a block id (64 lower-case hex digits)");
    BlockId id{};
    for (std::size_t i = 0; i < id.size(); ++i) id[i] = std::uint8_t(digit(hex[2 * i]) * 16 + digit(hex[2 * i + 1]));
    return id;
}

std::string list_path(const std::string &payload_dir) { return payload_dir + "/" + block_list_name; }

} // namespace

std::vector<sdk::BlockRef> payload_block_refs(const std::string &payload_dir) {
    std::vector<sdk::BlockRef> refs;
    std::unordered_set<BlockId, BlockIdHasher> seen;
    BlockListReader list(list_path(payload_dir));
    ListEntry entry;
    while (list.next(entry))
        for (std::uint64_t i = 0; i < entry.block_count; ++i) {
            BlockRecord record = list.block();
            if (!record.hole && seen.insert(record.id).second)
                refs.push_back({to_hex(record.id), block_length(entry.size, list.header().page_size, i)});
        }
    return refs;
}

std::vector<sdk::BlockRef> missing_block_refs(const std::string &store_root, const std::vector<sdk::BlockRef> &wanted) {
    BlockStore store(store_root, BlockStore::Access::shared);
    std::vector<sdk::BlockRef> missing;
    for (const auto &ref : wanted)
        if (!store.find(parse_id(ref.id))) missing.push_back(ref);
    return missing;
}

void read_block_refs(const std::string &store_root, const std::vector<sdk::BlockRef> &blocks, const sdk::BlockSink &sink) {
    BlockStore store(store_root, BlockStore::Access::shared);
    std::vector<unsigned char> bytes;
    for (const auto &ref : blocks) {
        store.read_verified(parse_id(ref.id), ref.length, bytes);
        sdk::Status status = sink(ref, std::string_view(reinterpret_cast<const char *>(bytes.data()), bytes.size()));
        if (!status.ok()) throw BlockError(status.message(), status.hint());
    }
}

std::uint64_t add_block_refs(const std::string &store_root, const sdk::BlockSource &next) {
    BlockStore store(store_root, BlockStore::Access::shared);
    auto writer = store.writer(reflink_granule(store_root + "/packs", store_root + "/packs")); // aligned: restores can clone them
    sdk::BlockRef ref;
    std::string bytes;
    for (;;) {
        sdk::Result<bool> more = next(ref, bytes);
        if (!more.ok()) throw BlockError(more.status().message(), more.status().hint());
        if (!*more) break;
        BlockId id = parse_id(ref.id);
        if (bytes.size() != ref.length || sha256(bytes.data(), bytes.size()) != id)
            throw BlockError("block " + ref.id + " does not match its SHA-256 or length, so it was not stored");
        writer->put(id, bytes.data(), ref.length);
    }
    return writer->commit();
}

} // namespace dspace::blocks
