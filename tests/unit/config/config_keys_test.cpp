// The known configuration keys: unknown keys refused with a suggestion, values checked against their type.
#include "support/temp_dir.hpp"

#include <dspace/core/config.hpp>
#include <dspace/core/config_keys.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/suggest.hpp>

#include <catch2/catch.hpp>

using dspace::Config;

TEST_CASE("suggest: did-you-mean for configuration keys", "[config][suggest]") {
    CHECK(dspace::did_you_mean("snapshots.default_snapshoter", {"spaces.listen_address", "snapshots.default_snapshotter"}) ==
          "snapshots.default_snapshotter");
    CHECK(dspace::did_you_mean("zzz", {"snapshots.default_snapshotter"}).empty());
}

TEST_CASE("config keys: set_checked refuses unknown keys with a suggestion and wrong types", "[config]") {
    dspace_test::TempDir dir;
    Config config(dir.path() / "config.json");
    try {
        config.set_checked("snapshots.default_snapshoter", "rsync");
        FAIL("an unknown key was accepted");
    } catch (const dspace::UsageError &e) {
        CHECK_THAT(e.what(), Catch::Contains("unknown configuration key 'snapshots.default_snapshoter'"));
        CHECK_THAT(e.hint(), Catch::Contains("did you mean 'snapshots.default_snapshotter'?"));
    }
    CHECK_THROWS_AS(config.set_checked("snapshots", "5"), dspace::UsageError);
    CHECK_THROWS_AS(config.set_checked("plugins.search_paths", "/not/a/list"), dspace::UsageError);
    CHECK_THROWS_AS(config.set_checked("flavours.postgres.nothing", "x"), dspace::UsageError); // postgres not registered here

    config.set_checked("flavours.postgres.server_user", "1000"); // a text key keeps digits as text
    CHECK(config.get("flavours.postgres.server_user") == "1000");
    CHECK_THAT(config.to_json(), Catch::Contains("\"1000\""));
    config.set_checked("plugins.search_paths", R"(["/a"])");

    dspace::register_config_key("snapshotters.example.*", dspace::ConfigType::any, "test");
    dspace::register_config_key("migrators.example.level", dspace::ConfigType::integer, "test");
    CHECK_NOTHROW(config.set_checked("snapshotters.example.anything.deep", "x"));
    CHECK_NOTHROW(config.set_checked("migrators.example.level", "3"));
    CHECK_THROWS_AS(config.set_checked("migrators.example.level", "three"), dspace::UsageError);
}

TEST_CASE("config keys: a config.json with a wrong-typed section or key is an error naming the key", "[config]") {
    dspace_test::TempDir dir;
    auto file = dir.path() / "config.json";
    for (const auto &[text, key] : std::vector<std::pair<std::string, std::string>>{
             {R"({"snapshots": 5})", "'snapshots'"},
             {R"({"snapshots": {"default_snapshotter": 3}})", "'snapshots.default_snapshotter'"},
             {R"({"plugins": {"search_paths": [1]}})", "'plugins.search_paths'"},
             {R"({"flavours": {"postgres": []}})", "'flavours.postgres'"},
             {R"({"flavours": {"postgres": {"server_user": false}}})", "'flavours.postgres.server_user'"}}) {
        INFO(text);
        dspace::fs::write_file_atomic(file, text);
        Config config(file);
        try {
            config.load();
            FAIL("a wrong-typed configuration was accepted");
        } catch (const dspace::Error &e) {
            CHECK_THAT(e.what(), Catch::Contains(key));
            CHECK_THAT(e.what(), Catch::Contains(file.string()));
        }
    }
    dspace::fs::write_file_atomic(file, R"({"snapshots": {"default_snapshotter": "tar"}, "other": 5})");
    Config config(file);
    CHECK_NOTHROW(config.load()); // unknown keys in the file are left alone
}
