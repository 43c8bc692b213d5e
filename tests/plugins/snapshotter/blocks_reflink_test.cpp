// The blocks snapshotter's reflink helpers: alignment arithmetic, extent lookups, and (on a loop-mounted XFS)
// FICLONERANGE, FIEMAP and aligned packs.
#include "support/loop_xfs.hpp"

#include "extent_state.hpp"
#include "pack_store.hpp"
#include "reflink.hpp"
#include "sync_state.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <filesystem>
#include <string>
#include <unistd.h>

using namespace dspace::blocks;

TEST_CASE("blocks: reflink alignment arithmetic", "[blocks]") {
    CHECK(align_up(0, 4096) == 0);
    CHECK(align_up(1, 4096) == 4096);
    CHECK(align_up(4096, 4096) == 4096);
    CHECK(align_up(12289, 4096) == 16384);
    CHECK(clonable(8192, 4096, 16384, 4096));
    CHECK_FALSE(clonable(8192, 4096, 16384, 0));   // no reflinks
    CHECK_FALSE(clonable(8193, 4096, 16384, 4096)); // unaligned source
    CHECK_FALSE(clonable(8192, 4100, 16384, 4096)); // unaligned destination
    CHECK_FALSE(clonable(8192, 4096, 1000, 4096));  // a tail
    CHECK_FALSE(clonable(8192, 4096, 0, 4096));
}

TEST_CASE("blocks: a block's physical address is known only inside one shared extent", "[blocks]") {
    std::vector<Extent> extents{{0, 1 << 20, 16384, true}, {16384, 5 << 20, 8192, false}, {24576, 9 << 20, 32768, true}};
    std::size_t cursor = 0;
    CHECK(shared_physical(extents, 0, 8192, cursor) == (1u << 20));
    CHECK(shared_physical(extents, 8192, 8192, cursor) == (1u << 20) + 8192);
    CHECK(shared_physical(extents, 16384, 8192, cursor) == 0);          // not shared
    CHECK(shared_physical(extents, 20480, 8192, cursor) == 0);          // straddles two extents
    CHECK(shared_physical(extents, 32768, 8192, cursor) == (9u << 20) + 8192);
    CHECK(shared_physical(extents, 57344, 8192, cursor) == 0);          // past the last extent
    CHECK(shared_physical(extents, 8192, 8192, cursor) == (1u << 20) + 8192); // going back restarts
    CHECK(shared_physical({}, 0, 8192, cursor) == 0);
}

TEST_CASE("blocks: a file's shared extents without rewritten ranges keep their addresses, cut at its size", "[blocks]") {
    std::vector<Extent> extents{{0, 1 << 20, 65536, true}, {65536, 9 << 20, 8192, false}, {73728, 5 << 20, 32768, true}};
    auto kept = without_ranges(extents, {{8192, 16384}, {24576, 32768}, {73728, 77824}, {90112, 200000}}, 1 << 30);
    REQUIRE(kept.size() == 4);
    CHECK((kept[0].logical == 0 && kept[0].physical == (1u << 20) && kept[0].length == 8192));
    CHECK((kept[1].logical == 16384 && kept[1].physical == (1u << 20) + 16384 && kept[1].length == 8192));
    CHECK((kept[2].logical == 32768 && kept[2].physical == (1u << 20) + 32768 && kept[2].length == 32768));
    CHECK((kept[3].logical == 77824 && kept[3].physical == (5u << 20) + 4096 && kept[3].length == 12288)); // the unshared one dropped
    for (const auto &e : kept) CHECK(e.shared);
    auto cut = without_ranges(extents, {}, 20000); // truncated to 20,000 bytes
    REQUIRE(cut.size() == 1);
    CHECK((cut[0].logical == 0 && cut[0].length == 20000));
    CHECK(without_ranges(extents, {{0, 1 << 30}}, 1 << 30).empty());
    CHECK(without_ranges({}, {{0, 4096}}, 1 << 30).empty());
}

TEST_CASE("blocks: the extents file keeps shared extents only, for its own data directory, until the state is forgotten", "[blocks]") {
    dspace_test::TempDir space;
    std::string data = (space.path() / "data").string(), other = (space.path() / "other").string();
    std::filesystem::create_directories(data);
    std::filesystem::create_directories(other);
    CHECK_FALSE(load_extents(data)); // none yet
    QuickHash digest = quick_hash("records", 7);
    ExtentsWriter writer(data);
    writer.add("base/1/1259", digest, {{0, 4096, 8192, true}, {8192, 65536, 4096, false}, {12288, 1 << 20, 16384, true}});
    writer.commit();
    auto loaded = load_extents(data);
    REQUIRE(loaded);
    REQUIRE(loaded->count("base/1/1259") == 1);
    const FileExtents &file = loaded->at("base/1/1259");
    CHECK(file.digest == digest);
    REQUIRE(file.extents.size() == 2); // the unshared extent says nothing: not kept
    CHECK((file.extents[1].logical == 12288 && file.extents[1].physical == (1u << 20) && file.extents[1].length == 16384));
    std::filesystem::rename(data, other + "-moved");
    std::filesystem::rename(other, data); // another directory under the same name
    CHECK_FALSE(load_extents(data));
    std::filesystem::resize_file(extents_path(data), 20); // damaged: ignored, not an error
    CHECK_FALSE(load_extents(data));
    forget_state(data);
    CHECK_FALSE(std::filesystem::exists(extents_path(data)));
}

TEST_CASE("blocks: on XFS, clones share extents and aligned packs place whole blocks at granule multiples", "[blocks][xfs]") {
    std::string why = dspace_test::LoopXfs::unavailable();
    if (!why.empty()) {
        WARN("skipped: " << why);
        return;
    }
    dspace_test::LoopXfs xfs(512ull << 20);
    std::string root = xfs.mount_point().string();
    std::uint32_t granule = reflink_granule(root, root);
    REQUIRE(granule == 4096);
    std::string source_path = root + "/source";
    Fd source = open_checked(source_path, O_RDWR | O_CREAT, 0600);
    std::string bytes(8 * 8192, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = char(i * 7 + i / 8192);
    pwrite_all(source.get(), bytes.data(), bytes.size(), 0, source_path);
    {
        BlockStore store(root + "/blocks", BlockStore::Access::shared);
        auto pack = store.writer(granule);
        REQUIRE(pack->put(sha256("tail", 4), "tail", 4)); // a partial block first: the next whole one is padded
        for (std::uint64_t block = 0; block < 8; ++block)
            REQUIRE(pack->put_from(sha256(bytes.data() + block * 8192, 8192), bytes.data() + block * 8192, 8192, source.get(), block * 8192));
        pack->commit();
    }
    auto extents = file_extents(source.get(), source_path);
    REQUIRE(extents);
    std::size_t cursor = 0;
    for (std::uint64_t block = 0; block < 8; ++block) CHECK(shared_physical(*extents, block * 8192, 8192, cursor) != 0);
    BlockStore store(root + "/blocks", BlockStore::Access::shared);
    std::vector<unsigned char> out;
    for (std::uint64_t block = 0; block < 8; ++block) {
        BlockId id = sha256(bytes.data() + block * 8192, 8192);
        auto where = store.clone_source(id, granule);
        REQUIRE(where);
        CHECK(where->second % granule == 0);
        store.read_verified(id, 8192, out);
    }
    CHECK_FALSE(store.clone_source(sha256("tail", 4), granule));
    std::string overwrite(8192, 'z'); // a write to a shared block moves it: its physical address changes
    std::uint64_t before = shared_physical(*extents, 8192, 8192, cursor);
    pwrite_all(source.get(), overwrite.data(), overwrite.size(), 8192, source_path);
    auto after = file_extents(source.get(), source_path);
    REQUIRE(after);
    std::size_t now = 0, then = 0;
    CHECK(shared_physical(*after, 8192, 8192, now) != before);
    now = 0;
    CHECK(shared_physical(*after, 0, 8192, now) == shared_physical(*extents, 0, 8192, then)); // untouched: same place
}
