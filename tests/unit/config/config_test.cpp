// Config: dotted keys over config.json, JSON values, atomic private writes.
#include "support/temp_dir.hpp"

#include <dspace/core/config.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>

using dspace::Config;

TEST_CASE("config: set, get, unset and list by dotted key", "[config]") {
    dspace_test::TempDir dir;
    Config config(dir.path() / "config.json");
    config.load(); // no file yet: empty
    CHECK_FALSE(config.get("snapshots.default_snapshotter"));

    config.set("snapshots.default_snapshotter", "tar");
    config.set("spaces.listen_address", "127.0.0.1");
    CHECK(config.get("snapshots.default_snapshotter") == "tar");
    CHECK(config.list() == std::vector<std::pair<std::string, std::string>>{
                               {"snapshots.default_snapshotter", "tar"}, {"spaces.listen_address", "127.0.0.1"}});

    CHECK(config.unset("snapshots.default_snapshotter"));
    CHECK_FALSE(config.unset("snapshots.default_snapshotter"));
    CHECK_FALSE(config.get("snapshots.default_snapshotter"));
    CHECK_FALSE(config.get("snapshots")); // an emptied section goes too
}

TEST_CASE("config: unset removes the sections it empties, and only those", "[config]") {
    dspace_test::TempDir dir;
    Config config(dir.path() / "config.json");
    config.set("a.b.c", "1");
    config.set("a.d", "2");
    CHECK(config.unset("a.b.c"));
    CHECK(config.get("a") == R"({"d":2})");
    CHECK(config.unset("a.d"));
    CHECK(config.to_json() == "{}");
}

TEST_CASE("config: nested keys create objects and a section reads as JSON", "[config]") {
    dspace_test::TempDir dir;
    Config config(dir.path() / "config.json");
    config.set("flavours.postgres.server_user", "postgres");
    CHECK(config.get("flavours.postgres.server_user") == "postgres");
    CHECK(config.get("flavours") == R"({"postgres":{"server_user":"postgres"}})");
    CHECK_THROWS_AS(config.set("a..b", "x"), dspace::UsageError);
}

TEST_CASE("config: values that are JSON are stored as JSON", "[config]") {
    dspace_test::TempDir dir;
    Config config(dir.path() / "config.json");
    config.set("n", "42");
    config.set("flag", "true");
    config.set("plugins.search_paths", R"(["/a","/b"])");
    config.set("text", "not json");
    CHECK(config.get("n") == "42");
    CHECK(config.get("flag") == "true");
    CHECK(config.get_list("plugins.search_paths") == std::vector<std::string>{"/a", "/b"});
    CHECK(config.get("text") == "not json");
    CHECK_THAT(config.to_json(), Catch::Contains("\"n\": 42") && Catch::Contains("\"flag\": true"));
}

TEST_CASE("config: save writes atomically with mode 0600 and load reads it back", "[config]") {
    dspace_test::TempDir dir;
    auto path = dir.path() / "config.json";
    {
        Config config(path);
        config.set("spaces.listen_address", "127.0.0.1");
        config.save();
    }
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    for (const auto &entry : std::filesystem::directory_iterator(dir.path()))
        CHECK(entry.path().filename() == "config.json"); // no temp file left behind
    Config again(path);
    again.load();
    CHECK(again.get("spaces.listen_address") == "127.0.0.1");
}

TEST_CASE("config: numbers read back exactly as they were saved, also large ones", "[config]") {
    // Found by the config.json fuzz test (DSPACE_TEST_SEED=39342975485881): an integer beyond 64 bits is read as a
    // double; parsed without full precision, what save() wrote for it came back one unit in the last place off.
    dspace_test::TempDir dir;
    auto path = dir.path() / "config.json";
    dspace::fs::write_file_atomic(path, R"({"numbers": {"large": 18446744073759551612, "small": 0.1, "tiny": -2.5e-310}})");
    Config config(path);
    config.load();
    config.save();
    Config again(path);
    again.load();
    CHECK(again.to_json() == config.to_json());
}

TEST_CASE("config: an invalid JSON file gives an Error naming the file", "[config]") {
    dspace_test::TempDir dir;
    auto path = dir.path() / "config.json";
    dspace::fs::write_file_atomic(path, "{ \"a\": ");
    Config config(path);
    try {
        config.load();
        FAIL("load() accepted invalid JSON");
    } catch (const dspace::Error &e) {
        CHECK_THAT(e.what(), Catch::Contains(path.string()) && Catch::Contains("not valid JSON"));
        CHECK_FALSE(e.hint().empty());
    }
}

TEST_CASE("config: the default configuration is valid and names the default snapshotter", "[config]") {
    dspace_test::TempDir dir;
    auto path = dir.path() / "config.json";
    dspace::fs::write_file_atomic(path, Config::default_text());
    Config config(path);
    config.load();
    CHECK(config.get("snapshots.default_snapshotter"));
    CHECK(config.get("spaces.listen_address") == "127.0.0.1");
}
