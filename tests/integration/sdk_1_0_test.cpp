// Plugins built against the frozen SDK 1.0 headers, used by the real dspace program on a real server.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

TEST_CASE("an SDK 1.0 snapshotter snapshots and restores a real postgres space", "[integration][sdk_1_0]") {
    if (!dspace_test::have_program("/usr/lib/postgresql/15/bin/postgres")) return;
    const std::string plugin =
        (std::filesystem::path(DSPACE_TEST_SDK_1_0_FIXTURE_DIR) / "dspace_snapshotter_legacy_copy.so").string();
    dspace_test::TestHome home;
    home.ok({"create", "s", "--flavour", "postgres"});
    dspace_test::query(home, "s", "create table t (v text); insert into t values ('before')");

    home.ok({"--plugin", plugin, "snapshot", "s", "one", "--snapshotter", "legacy_copy"});
    CHECK(dspace_test::status_field(home, "s", "status") == "running");
    dspace_test::query(home, "s", "update t set v = 'after'");
    REQUIRE(dspace_test::query(home, "s", "select v from t") == "after");

    home.ok({"--plugin", plugin, "rollback", "s", "--to", "one"});
    CHECK(dspace_test::query(home, "s", "select v from t") == "before");
    CHECK_THAT(home.ok({"snapshot", "ls", "s", "--json"}), Catch::Matchers::Contains("\"legacy_copy\""));
}
