// The blocks snapshotter's BlockTransfer capability (push and pull), loaded from its built file: the blocks of a
// payload, each once; reads checked against their ids; additions checked and all-or-nothing.
#include "snapshotter_fixture.hpp"

#include "block_hash.hpp"

#include <dspace/sdk/snapshotter_capabilities.hpp>

using namespace snapshotter_test;
namespace sdk = dspace::sdk;

namespace {

std::string hex_of(const std::string &bytes) { return dspace::blocks::to_hex(dspace::blocks::sha256(bytes.data(), bytes.size())); }

} // namespace

TEST_CASE("blocks snapshotter: BlockTransfer lists, reads and adds blocks, checking every one") {
    LoadedSnapshotter loaded("blocks");
    auto *transfer = loaded.plugins.capability<sdk::BlockTransfer>("blocks");
    REQUIRE(transfer != nullptr);
    TempDir work;
    stdfs::path data = work.path() / "data", payload = work.path() / "payload";
    stdfs::create_directories(data);
    stdfs::create_directories(payload);
    std::string a(4096, 'a'), b(4096, 'b'), tail(100, 't');
    write(data / "one", a + b + std::string(4096, '\0') + a, stdfs::perms::owner_all); // a repeated block and a hole
    write(data / "two", b + tail, stdfs::perms::owner_all);                               // b again and a short tail
    sdk::SnapshotJob job;
    job.server.space = "test";
    job.server.data_dir = data.string();
    job.payload_dir = payload.string();
    job.page_size = 4096;
    REQUIRE(loaded.snapshotter->snapshot(loaded.host, job).ok());

    auto used = transfer->payload_blocks(loaded.host, payload.string());
    REQUIRE(used.ok());
    REQUIRE(used->size() == 3); // a, b, tail: each once, no hole
    std::map<std::string, std::uint32_t> lengths;
    for (const auto &block : *used) lengths[block.id] = block.length;
    CHECK(lengths == std::map<std::string, std::uint32_t>{{hex_of(a), 4096}, {hex_of(b), 4096}, {hex_of(tail), 100}});

    auto missing = transfer->missing_blocks(loaded.host, *used);
    REQUIRE(missing.ok());
    CHECK(missing->empty());

    std::map<std::string, std::string> read;
    auto status = transfer->read_blocks(loaded.host, *used, [&](const sdk::BlockRef &block, std::string_view bytes) {
        read[block.id] = std::string(bytes);
        return sdk::Status();
    });
    REQUIRE(status.ok());
    for (const auto &[id, bytes] : read) CHECK(hex_of(bytes) == id);
    auto stopped = transfer->read_blocks(loaded.host, *used, [](const sdk::BlockRef &, std::string_view) {
        return sdk::Status::failure("the remote is full");
    });
    CHECK_FALSE(stopped.ok());
    CHECK(stopped.message().find("the remote is full") != std::string::npos);

    std::string c(4096, 'c'), d(4096, 'd');
    std::vector<sdk::BlockRef> new_blocks{{hex_of(c), 4096}, {hex_of(d), 4096}};
    auto feed = [](std::vector<std::pair<sdk::BlockRef, std::string>> blocks) {
        return [blocks, next = std::size_t(0)](sdk::BlockRef &block, std::string &bytes) mutable -> sdk::Result<bool> {
            if (next == blocks.size()) return false;
            block = blocks[next].first;
            bytes = blocks[next++].second;
            return true;
        };
    };
    SECTION("a block that does not match its id adds nothing") {
        auto refused = transfer->add_blocks(loaded.host, feed({{new_blocks[0], c}, {new_blocks[1], c}}));
        CHECK_FALSE(refused.ok());
        CHECK(refused.message().find(new_blocks[1].id) != std::string::npos);
        CHECK(transfer->missing_blocks(loaded.host, new_blocks)->size() == 2);
    }
    SECTION("a failing source adds nothing") {
        auto failed = transfer->add_blocks(loaded.host, [&, first = true](sdk::BlockRef &block, std::string &bytes) mutable -> sdk::Result<bool> {
            if (!first) return sdk::Status::failure("pack damaged");
            first = false;
            block = new_blocks[0];
            bytes = c;
            return true;
        });
        CHECK_FALSE(failed.ok());
        CHECK(transfer->missing_blocks(loaded.host, new_blocks)->size() == 2);
    }
    SECTION("checked blocks are stored and readable") {
        REQUIRE(transfer->add_blocks(loaded.host, feed({{new_blocks[0], c}, {new_blocks[1], d}})).ok());
        CHECK(transfer->missing_blocks(loaded.host, new_blocks)->empty());
        std::string back;
        REQUIRE(transfer->read_blocks(loaded.host, {new_blocks[1]}, [&](const sdk::BlockRef &, std::string_view bytes) {
            back = std::string(bytes);
            return sdk::Status();
        }).ok());
        CHECK(back == d);
    }
}
