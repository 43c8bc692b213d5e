// Pure logic of the blocks snapshotter: hashes, block list format, pack index format, safe paths.
#include "support/temp_dir.hpp"

#include "block_hash.hpp"
#include "block_list.hpp"
#include "pack_store.hpp"

#include <catch2/catch.hpp>

#include <xxhash.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

using namespace dspace::blocks;
using dspace_test::TempDir;
namespace stdfs = std::filesystem;

TEST_CASE("blocks: SHA-256 and zero detection") {
    CHECK(to_hex(sha256("abc", 3)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    std::string zeros(8193, '\0');
    CHECK(all_zero(zeros.data(), zeros.size()));
    zeros[8192] = 1;
    CHECK_FALSE(all_zero(zeros.data(), zeros.size()));
    CHECK(quick_hash("a", 1) != quick_hash("b", 1));
}

TEST_CASE("blocks: the quick hash is XXH3-128 whichever vector unit computes it") {
    // Block lists record quick hashes, so a store made on a CPU with AVX2 must read the same on one without.
    std::mt19937_64 random(7);
    std::string bytes(16384, '\0');
    for (auto &byte : bytes) byte = char(random());
    for (std::size_t size : {std::size_t(0), std::size_t(1), std::size_t(240), std::size_t(241), std::size_t(8192), std::size_t(16384)}) {
        XXH128_canonical_t portable;
        XXH128_canonicalFromHash(&portable, XXH3_128bits(bytes.data(), size));
        QuickHash quick = quick_hash(bytes.data(), size);
        CHECK(std::memcmp(quick.data(), portable.digest, quick.size()) == 0);
    }
}

TEST_CASE("blocks: block sizes of a file") {
    CHECK(blocks_of(0, 8192) == 0);
    CHECK(blocks_of(1, 8192) == 1);
    CHECK(blocks_of(8192, 8192) == 1);
    CHECK(blocks_of(8193, 8192) == 2);
    CHECK(block_length(8193, 8192, 0) == 8192);
    CHECK(block_length(8193, 8192, 1) == 1);
}

TEST_CASE("blocks: only normalised relative paths are safe") {
    for (const char *good : {"a", "base/1/1259", "a.b/c d"}) CHECK(safe_relative_path(good));
    for (const char *bad : {"", "/etc", "a/../b", "..", "./a", "a//b", "a/", "a/."}) CHECK_FALSE(safe_relative_path(bad));
}

TEST_CASE("blocks: a block list round-trips entries, blocks and digests, and skips unread blocks") {
    TempDir dir;
    std::string path = (dir.path() / "blocks.list").string();
    ListHeader header{4096, 12345, "boot"};
    BlockRecord data;
    data.hole = false;
    data.id = sha256("x", 1);
    data.quick = quick_hash("x", 1);
    QuickHash digest;
    {
        BlockListWriter writer(path, header);
        writer.begin({'D', "base", 0700, 1, 0, "", 0, {}});
        CHECK(writer.end() == QuickHash{});
        writer.begin({'F', "base/f", 0600, 2, 9000, "", 3, {}});
        writer.block(data);
        writer.block(BlockRecord{});
        writer.block(data);
        digest = writer.end();
        writer.begin({'L', "link", 0777, 3, 0, "base/f", 0, {}});
        (void)writer.end();
        writer.finish(false);
    }
    BlockListReader reader(path);
    CHECK(reader.header().page_size == 4096);
    CHECK(reader.header().created_ns == 12345);
    CHECK(reader.header().boot_id == "boot");
    ListEntry entry;
    REQUIRE(reader.next(entry));
    CHECK((entry.type == 'D' && entry.path == "base" && entry.mode == 0700));
    REQUIRE(reader.next(entry));
    CHECK((entry.type == 'F' && entry.size == 9000 && entry.block_count == 3 && entry.digest == digest));
    BlockRecord first = reader.block();
    CHECK((!first.hole && first.id == data.id && first.quick == data.quick));
    CHECK(reader.block().hole);
    REQUIRE(reader.next(entry)); // the third block is skipped
    CHECK((entry.type == 'L' && entry.target == "base/f"));
    CHECK_FALSE(reader.next(entry));
}

TEST_CASE("blocks: the block list writer refuses entries out of order and wrong block counts") {
    TempDir dir;
    BlockListWriter writer((dir.path() / "a.list").string(), ListHeader{});
    writer.begin({'F', "b", 0600, 0, 10, "", 1, {}});
    CHECK_THROWS_AS(writer.end(), BlockError);
    writer.block(BlockRecord{});
    (void)writer.end();
    CHECK_THROWS_AS(writer.begin({'F', "a", 0600, 0, 0, "", 0, {}}), BlockError);
}

TEST_CASE("blocks: a truncated or tampered block list is reported as damaged") {
    TempDir dir;
    std::string path = (dir.path() / "blocks.list").string();
    {
        BlockListWriter writer(path, ListHeader{});
        writer.begin({'F', "../escape", 0600, 0, 0, "", 0, {}});
        (void)writer.end();
        writer.finish(false);
    }
    BlockListReader reader(path);
    ListEntry entry;
    CHECK_THROWS_WITH(reader.next(entry), Catch::Matchers::Contains("unsafe path"));
    std::filesystem::resize_file(path, 10);
    CHECK_THROWS_AS(BlockListReader(path), BlockError);
}

TEST_CASE("blocks: a pack index is written sorted and read back") {
    TempDir dir;
    std::string path = (dir.path() / "p.idx").string();
    std::vector<IndexEntry> entries{{sha256("b", 1), 8192, 100}, {sha256("a", 1), 0, 8192}};
    write_pack_index(path, entries);
    auto read = read_pack_index(path);
    REQUIRE(read.size() == 2);
    CHECK(read[0].id < read[1].id);
    for (const auto &e : read) CHECK(((e.id == sha256("a", 1) && e.offset == 0 && e.length == 8192) ||
                                      (e.id == sha256("b", 1) && e.offset == 8192 && e.length == 100)));
    std::filesystem::resize_file(path, 30);
    CHECK_THROWS_AS(read_pack_index(path), BlockError);
}

TEST_CASE("blocks: the store keeps each block once and finds it after commit") {
    TempDir dir;
    std::string root = (dir.path() / "blocks").string();
    std::string block(8192, 'q');
    BlockId id = sha256(block.data(), block.size());
    {
        BlockStore store(root, BlockStore::Access::shared);
        auto writer = store.writer();
        CHECK(writer->put(id, block.data(), 8192));
        CHECK_FALSE(writer->put(id, block.data(), 8192));
        CHECK(writer->commit() == 8192);
    }
    BlockStore store(root, BlockStore::Access::shared);
    REQUIRE(store.find(id));
    std::vector<unsigned char> out;
    store.read_verified(id, 8192, out);
    CHECK(std::string(out.begin(), out.end()) == block);
    auto writer = store.writer();
    CHECK_FALSE(writer->put(id, block.data(), 8192)); // already stored
    CHECK(writer->commit() == 0);
    CHECK_THROWS_AS(store.read_verified(sha256("other", 5), 5, out), BlockError);
}

TEST_CASE("blocks: the store's generation changes when a collection removes blocks, and only then") {
    TempDir dir;
    std::string root = (dir.path() / "blocks").string();
    std::string kept(8192, 'k'), dropped(8192, 'd');
    BlockId kept_id = sha256(kept.data(), kept.size()), dropped_id = sha256(dropped.data(), dropped.size());
    std::string first;
    {
        BlockStore store(root, BlockStore::Access::exclusive);
        first = store.generation();
        auto writer = store.writer();
        writer->put(kept_id, kept.data(), 8192);
        writer->put(dropped_id, dropped.data(), 8192);
        writer->commit();
        CHECK(store.generation() == first); // adding blocks removes none
        std::ofstream(root + "/generation.tmp-123") << "a write a crash cut short";
        store.collect({kept_id, dropped_id});
        CHECK(store.generation() == first); // nothing to remove
        CHECK_FALSE(stdfs::exists(root + "/generation.tmp-123")); // but the leftover
    }
    std::string second;
    {
        BlockStore store(root, BlockStore::Access::exclusive);
        CHECK(store.generation() == first); // kept on disk
        store.collect({kept_id});
        second = store.generation();
        CHECK(second != first);
        CHECK(second.substr(0, second.find(' ')) == first.substr(0, first.find(' '))); // the same store, counted on
        CHECK_FALSE(store.find(dropped_id));
    }
    CHECK(BlockStore(root, BlockStore::Access::shared).generation() == second);
    stdfs::remove_all(root); // a store made anew, even with as many collections, has another generation
    CHECK(BlockStore(root, BlockStore::Access::shared).generation() != first);
    std::ofstream(root + "/generation") << "garbage";
    CHECK(BlockStore(root, BlockStore::Access::shared).generation().find("garbage") == std::string::npos);
}

TEST_CASE("blocks: a writer that reaches its pack's block limit publishes it and goes on in a new pack") {
    TempDir dir;
    std::string root = (dir.path() / "blocks").string();
    const std::size_t count = PackWriter::max_pack_blocks + 10;
    auto block_of = [](std::size_t i) { return "block " + std::to_string(i); };
    std::uint64_t bytes = 0;
    {
        BlockStore store(root, BlockStore::Access::shared);
        auto writer = store.writer();
        for (std::size_t i = 0; i < count; ++i) {
            std::string block = block_of(i);
            bytes += block.size();
            REQUIRE(writer->put(sha256(block.data(), block.size()), block.data(), std::uint32_t(block.size())));
        }
        std::string first = block_of(0); // in the published pack: found, not added twice
        CHECK_FALSE(writer->put(sha256(first.data(), first.size()), first.data(), std::uint32_t(first.size())));
        CHECK(writer->commit() == bytes);
    }
    std::size_t indexes = 0;
    for (const auto &entry : std::filesystem::directory_iterator(dir.path() / "blocks" / "packs"))
        indexes += entry.path().extension() == ".idx";
    CHECK(indexes == 2);
    BlockStore store(root, BlockStore::Access::shared);
    std::vector<unsigned char> out;
    for (std::size_t i : {std::size_t(0), PackWriter::max_pack_blocks - 1, PackWriter::max_pack_blocks, count - 1}) {
        std::string block = block_of(i);
        store.read_verified(sha256(block.data(), block.size()), std::uint32_t(block.size()), out);
        CHECK(std::string(out.begin(), out.end()) == block);
    }
}
