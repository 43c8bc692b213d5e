// The remote layout of push and pull: keys, pack index objects, the local index cache and the push journal,
// over a real file:// destination.
#include "support/temp_dir.hpp"
#include "../../../core/src/transfer/pack_outbox.hpp"
#include "../../../core/src/transfer/remote_index.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>

#include <catch2/catch.hpp>

using namespace dspace::transfer;
using dspace_test::TempDir;

namespace {

//! A block of size bytes of value, with its id.
std::pair<BlockId, std::string> block(char value, std::size_t size = 8192) {
    std::string bytes(size, value);
    return {sha256(bytes), bytes};
}

} // namespace

TEST_CASE("remote keys name packs by hash and snapshots by checked names", "[transfer]") {
    std::string pack = to_hex(sha256("pack"));
    CHECK(pack_key(pack) == "packs/" + pack.substr(0, 2) + "/" + pack + ".pack");
    CHECK(pack_of_index_key(index_key(pack)) == pack);
    CHECK(pack_of_index_key(pack_key(pack)).empty());
    CHECK(pack_of_index_key("packs/zz/" + pack + ".idx").empty());
    CHECK(pack_of_index_key("packs/" + pack.substr(0, 2) + "/short.idx").empty());
    CHECK(manifest_key("app", "s1") == "snapshots/app/s1/manifest.json");
    CHECK(payload_key("app", "s1", "blocks.list") == "snapshots/app/s1/payload/blocks.list");
    CHECK_THROWS_AS(payload_key("app", "s1", "../../x"), dspace::UsageError);
    CHECK_THROWS_AS(manifest_key("../app", "s1"), dspace::UsageError);
    CHECK(snapshot_of_manifest_key("snapshots/app/s1/manifest.json") == std::pair<std::string, std::string>{"app", "s1"});
    CHECK_FALSE(snapshot_of_manifest_key("snapshots/app/s1/payload/manifest.json"));
    CHECK_FALSE(snapshot_of_manifest_key("snapshots/app/manifest.json"));
    CHECK_FALSE(snapshot_of_manifest_key("snapshots/../s1/manifest.json"));
    CHECK_FALSE(snapshot_of_manifest_key("packs/app/s1/manifest.json"));
    CHECK(from_hex(pack) == sha256("pack"));
    CHECK_THROWS_AS(from_hex("xyz"), dspace::Error);
}

TEST_CASE("pack index objects round-trip and damaged ones are refused", "[transfer]") {
    std::vector<PackEntry> entries{{sha256("a"), 0, 8192}, {sha256("b"), 8192, 100}};
    std::string bytes = encode_index(entries);
    CHECK(bytes.size() == 16 + 2 * 44);
    auto back = decode_index(bytes, "x");
    REQUIRE(back.size() == 2);
    CHECK(back[1].id == sha256("b"));
    CHECK(back[1].offset == 8192);
    CHECK(back[1].length == 100);
    CHECK_THROWS_AS(decode_index(bytes.substr(0, bytes.size() - 1), "x"), dspace::Error);
    CHECK_THROWS_AS(decode_index("NOTANIDX" + bytes.substr(8), "x"), dspace::Error);
}

TEST_CASE("the push journal finishes a killed push's packs without sending stored objects again", "[transfer]") {
    TempDir remote_dir, state;
    auto storage = dspace::open_storage("file://" + remote_dir.path().string());
    auto [id_a, a] = block('a');
    auto [id_b, b] = block('b');
    std::string pack = to_hex(sha256(a + b));
    {
        // A push killed after it journaled a pack and stored the pack object, before the index: the next run
        // stores only the index.
        std::filesystem::create_directories(state.path() / "outgoing");
        dspace::fs::write_file_atomic(state.path() / "outgoing" / (pack + ".pack"), a + b);
        dspace::fs::write_file_atomic(state.path() / "outgoing" / (pack + ".idx"),
                                      encode_index({{id_a, 0, 8192}, {id_b, 8192, 8192}}));
        dspace::fs::write_file_atomic(state.path() / "outgoing" / "unfinished.pack", "half a pack");
        storage->put_bytes(pack_key(pack), a + b);
    }
    RemoteIndex index(*storage, state.path() / "index");
    CHECK(index.find(id_a) == nullptr); // the pack is not indexed on the remote yet
    PackOutbox outbox(*storage, index, state.path() / "outgoing");
    outbox.flush();
    CHECK(outbox.bytes_sent() == 16 + 2 * 44); // the index only
    REQUIRE(index.find(id_b) != nullptr);
    CHECK(index.find(id_b)->offset == 8192);
    CHECK(std::filesystem::is_empty(state.path() / "outgoing"));
    CHECK(storage->head(index_key(pack)) == 16 + 2 * 44u);

    // A new run learns the remote's packs from the cache and the listing alike.
    RemoteIndex again(*storage, state.path() / "index");
    CHECK(again.find(id_a) != nullptr);
    auto [id_c, c] = block('c', 100);
    PackOutbox more(*storage, again, state.path() / "outgoing");
    more.add(id_c, c);
    more.finish();
    CHECK(more.bytes_sent() == 100 + 16 + 44);
    CHECK(RemoteIndex(*storage, state.path() / "index2").find(id_c) != nullptr);
}
