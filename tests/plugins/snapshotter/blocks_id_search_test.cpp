// Looking ids up in a sorted pack index: every present id is found at its place, absent ones are not, whether
// the ids are spread like SHA-256 or crowd together.
#include "block_hash.hpp"
#include "id_search.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

using namespace dspace::blocks;

namespace {

constexpr std::size_t stride = 44; // a pack index entry: id, offset, length

//! Index entries for the sorted ids (the bytes after each id are filler).
std::vector<unsigned char> entries_of(const std::vector<BlockId> &ids) {
    std::vector<unsigned char> entries(ids.size() * stride, 0xee);
    for (std::size_t i = 0; i < ids.size(); ++i) std::memcpy(entries.data() + i * stride, ids[i].data(), ids[i].size());
    return entries;
}

//! Checks that each of ids (sorted, unique) is found at its place and that each of absent is not.
void check_lookups(std::vector<BlockId> ids, const std::vector<BlockId> &absent) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    auto entries = entries_of(ids);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto found = search_sorted_ids(entries.data(), ids.size(), stride, ids[i]);
        REQUIRE(found);
        REQUIRE(*found == i);
    }
    for (const auto &id : absent)
        if (!std::binary_search(ids.begin(), ids.end(), id)) REQUIRE_FALSE(search_sorted_ids(entries.data(), ids.size(), stride, id));
}

BlockId random_id(std::mt19937_64 &random) {
    BlockId id;
    for (auto &byte : id) byte = std::uint8_t(random());
    return id;
}

} // namespace

TEST_CASE("blocks: ids spread like SHA-256 are found in a pack index, absent ones are not") {
    std::mt19937_64 random(7);
    for (std::size_t count : {0, 1, 2, 3, 17, 5000}) {
        std::vector<BlockId> ids, absent;
        for (std::size_t i = 0; i < count; ++i) ids.push_back(sha256(&i, sizeof i));
        for (int i = 0; i < 500; ++i) absent.push_back(random_id(random));
        absent.push_back(BlockId{});                 // below every id
        absent.push_back([] { BlockId top; top.fill(0xff); return top; }()); // above every id
        check_lookups(ids, absent);
    }
}

TEST_CASE("blocks: crowded ids (shared prefixes, skewed spread) are found as well") {
    std::mt19937_64 random(11);
    std::vector<BlockId> ids, absent;
    for (int i = 0; i < 3000; ++i) { // most share their first 8 bytes, then a few far apart
        BlockId id = random_id(random);
        if (i % 10 != 0) std::memset(id.data(), 0x42, 8);
        ids.push_back(id);
        BlockId near = id;
        near[31] ^= 1;
        absent.push_back(near);
    }
    for (int i = 0; i < 64; ++i) { // an exponential spread of the keys
        BlockId id{};
        std::uint64_t key = std::uint64_t(1) << i;
        for (int b = 0; b < 8; ++b) id[std::size_t(b)] = std::uint8_t(key >> (56 - 8 * b));
        ids.push_back(id);
    }
    check_lookups(ids, absent);
}
