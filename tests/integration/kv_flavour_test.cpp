// A flavour for a key-value engine that is not SQL (the Redis fixture, SDK 1.1 only) runs a real space.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using Catch::Matchers::Contains;

TEST_CASE("a key-value flavour fits: its space lives, snapshots physically, and logical snapshots are refused up front",
          "[integration][kv]") {
    if (!dspace_test::have_program("/usr/bin/redis-server")) return;
    const std::string plugin = (std::filesystem::path(DSPACE_TEST_FIXTURE_DIR) / "kv" / "dspace_flavour_fixture_kv.so").string();
    dspace_test::TestHome home;
    auto ok = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--plugin", plugin});
        return home.ok(args);
    };
    std::string created = ok({"create", "k", "--flavour", "fixture_kv"});
    const std::string port = dspace_test::status_field(home, "k", "port");
    CHECK_THAT(created, Contains("redis://127.0.0.1:" + port + "/0")); // its DisplayUrl: no password
    ok({"shell", "k", "--", "set", "key", "before"});

    ok({"snapshot", "k", "one", "--snapshotter", "rsync"});
    std::vector<std::string> logical = {"--plugin", plugin, "snapshot", "k", "two", "--snapshotter", "pg_dump"};
    auto refused = home.run(logical);
    CHECK(refused.exit_code == 1);
    CHECK_THAT(refused.err, Contains("fixture_kv flavour of space 'k' has no logical dumps") && Contains("pg_dump"));
    CHECK_THAT(refused.err, Contains("hint: use a physical snapshotter"));
    CHECK_THAT(ok({"snapshot", "ls", "k"}), !Contains("two"));

    ok({"shell", "k", "--", "set", "key", "after"});
    ok({"rollback", "k", "--to", "one"});
    CHECK(ok({"shell", "k", "--", "get", "key"}) == "before\n");
    CHECK_THAT(ok({"status", "k"}), Contains("url:      redis://127.0.0.1:" + port + "/0"));

    // The clean stop is its StopCommand (SHUTDOWN SAVE): the data survives a stop and start.
    ok({"shell", "k", "--", "set", "key", "saved"});
    ok({"stop", "k"});
    ok({"start", "k"});
    CHECK(ok({"shell", "k", "--", "get", "key"}) == "saved\n");
    ok({"rm", "k", "--force"});
}
