// manifest.json round trip and the errors for damaged manifests.
#include <dspace/core/error.hpp>
#include <dspace/core/snapshot_manifest.hpp>

#include <catch2/catch.hpp>

using namespace dspace;

namespace {

SnapshotManifest sample() {
    SnapshotManifest m;
    m.space = "shop";
    m.source_space = "warehouse";
    m.space_user = "app";
    m.space_database = "shop_db";
    m.space_created = "2026-01-01T00:00:00Z";
    m.name = "before-migration";
    m.flavour = "postgres";
    m.server_version = "15";
    m.snapshotter = "rsync";
    m.method = "physical";
    m.parent = "initial";
    m.created = "2026-01-02T03:04:05.678Z";
    m.size_bytes = 12345678901ULL;
    m.message = "quote \" and newline\n";
    m.files = {{"base/1/1259", 8192, "0123456789abcdef0123456789abcdef"}, {"PG_VERSION", 3, "ffffffffffffffffffffffffffffffff"}};
    return m;
}

} // namespace

TEST_CASE("a manifest survives a round trip through JSON") {
    SnapshotManifest m = sample();
    SnapshotManifest back = manifest_from_json(manifest_to_json(m), "manifest.json");
    CHECK(back.space == m.space);
    CHECK(back.space_created == m.space_created);
    CHECK(back.format == manifest_format);
    CHECK(back.source_space == "warehouse");
    CHECK(back.space_user == "app");
    CHECK(back.space_database == "shop_db");
    CHECK(back.name == m.name);
    CHECK(back.flavour == m.flavour);
    CHECK(back.server_version == m.server_version);
    CHECK(back.snapshotter == m.snapshotter);
    CHECK(back.method == m.method);
    CHECK(back.parent == m.parent);
    CHECK(back.created == m.created);
    CHECK(back.size_bytes == m.size_bytes);
    CHECK(back.message == m.message);
    CHECK(back.migration_head.empty());
    REQUIRE(back.files.size() == 2);
    CHECK(back.files[0].path == "base/1/1259");
    CHECK(back.files[0].size == 8192);
    CHECK(back.files[1].xxh3_128 == "ffffffffffffffffffffffffffffffff");
}

TEST_CASE("a corrupt manifest is an Error naming the file") {
    try {
        manifest_from_json("{\"space\": \"x\",", "/home/s/manifest.json");
        FAIL("no error");
    } catch (const Error &e) {
        CHECK(std::string(e.what()).find("/home/s/manifest.json") != std::string::npos);
        CHECK(std::string(e.what()).find("not valid JSON") != std::string::npos);
        CHECK_FALSE(e.hint().empty());
    }
}

TEST_CASE("a manifest lacking a field is an Error naming the field") {
    std::string text = manifest_to_json(sample());
    auto at = text.find("\"snapshotter\"");
    text.replace(at, std::string("\"snapshotter\"").size(), "\"snapshotterX\"");
    try {
        manifest_from_json(text, "m.json");
        FAIL("no error");
    } catch (const Error &e) {
        CHECK(std::string(e.what()).find("'snapshotter'") != std::string::npos);
    }
}

TEST_CASE("a format 1 manifest reads with its space as the data's source; a newer format is refused") {
    std::string text = manifest_to_json(sample());
    auto replace = [&](const std::string &from, const std::string &to) {
        auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
    };
    replace("\"format\": 2,", "");
    replace("\"source_space\": \"warehouse\",", "");
    SnapshotManifest old = manifest_from_json(text, "old.json");
    CHECK(old.format == 1);
    CHECK(old.source_space == "shop");

    std::string newer = manifest_to_json(sample());
    newer.replace(newer.find("\"format\": 2"), 11, "\"format\": 9");
    CHECK_THROWS_WITH(manifest_from_json(newer, "new.json"), Catch::Matchers::Contains("format 9") &&
                                                                 Catch::Matchers::Contains("newer than this dspace"));
}
