// The real dspace program: snapshots, rollback, copy and verify against real PostgreSQL and MariaDB servers.
#include "snapshot_items.hpp"

#include "support/temp_dir.hpp"

#include <dspace/core/process.hpp>

#include <filesystem>
#include <fstream>

using namespace snapshot_test;
using dspace_test::postgres_sql;
using dspace_test::query;
namespace stdfs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

std::string status_json(const TestHome &home, const std::string &space) { return home.ok({"status", space, "--json"}); }

//! The `"port": 1234` part of space's status (JSON).
std::string port_json(const TestHome &home, const std::string &space) {
    std::string status = status_json(home, space);
    return status.substr(status.find("\"port\""), 12);
}

} // namespace

TEST_CASE("rollback brings back rows and schema, for every snapshotter and flavour", "[integration][snapshot]") {
    for (const auto &sql : installed_flavours()) {
        for (std::string snapshotter : {"blocks", "rsync", "tar", "pg_dump"}) {
            INFO("flavour " << sql.flavour << ", snapshotter " << snapshotter);
            TestHome home;
            std::string before = create_with_items(home, sql, "s");
            std::string port_before = port_json(home, "s");

            home.ok({"snapshot", "s", "one", "--snapshotter", snapshotter, "-m", "before the change"});
            CHECK_THAT(status_json(home, "s"), Contains("\"running\""));
            query(home, sql, "s", change_items);
            REQUIRE(items_state(home, sql, "s") != before);

            home.ok({"rollback", "s", "--to", "one"});
            CHECK(items_state(home, sql, "s") == before);
            std::string after = status_json(home, "s");
            CHECK_THAT(after, Contains("\"running\""));
            CHECK_THAT(after, Contains(port_before));

            std::string listed = home.ok({"snapshot", "ls", "s", "--json"});
            CHECK_THAT(listed, Contains("\"name\": \"one\""));
            CHECK_THAT(listed, Contains("\"snapshotter\": \"" + snapshotter + "\""));
            CHECK_THAT(listed, Contains("\"message\": \"before the change\""));
            CHECK_THAT(listed, Contains("\"flavour\": \"" + sql.flavour + "\""));
            CHECK(home.run({"snapshot", "verify"}).succeeded());
        }
    }
}

TEST_CASE("a stopped space rolls back and stays stopped; a second snapshot names its parent", "[integration][snapshot]") {
    auto sql = postgres_sql();
    TestHome home;
    std::string before = create_with_items(home, sql, "s");
    home.ok({"stop", "s"});
    home.ok({"snapshot", "s", "first"});
    home.ok({"snapshot", "s", "second"});
    CHECK_THAT(home.ok({"snapshot", "ls", "s", "--json"}), Contains("\"parent\": \"first\""));
    CHECK_THAT(status_json(home, "s"), Contains("\"stopped\""));
    home.ok({"start", "s"});
    query(home, sql, "s", change_items);
    home.ok({"stop", "s"});
    home.ok({"rollback", "s", "--to", "first"});
    CHECK_THAT(status_json(home, "s"), Contains("\"stopped\""));
    home.ok({"start", "s"});
    CHECK(items_state(home, sql, "s") == before);

    auto again = home.run({"snapshot", "s", "first"});
    CHECK(again.exit_code == 1);
    CHECK_THAT(again.err, Contains("--force"));
    home.ok({"snapshot", "s", "first", "--force"});
    home.ok({"snapshot", "rm", "s", "second"});
    CHECK_THAT(home.ok({"snapshot", "ls", "s", "--json"}), !Contains("\"name\": \"second\""));
    std::string inspected = home.ok({"snapshot", "inspect", "s", "first", "--json"}); // blocks, the default: one block list
    CHECK_THAT(inspected, Contains("\"path\": \"blocks.list\"") && Contains("\"own_bytes\": ") && Contains("\"shared_bytes\": 0"));

    // Snapshots outlive their space; a later space of the same name restores them with its own credentials.
    home.ok({"rm", "s", "--force"});
    home.ok({"create", "s", "--flavour", "postgres"});
    home.ok({"rollback", "s", "--to", "first"});
    CHECK(query(home, "s", "select 1") == "1");
}

TEST_CASE("copy makes independent spaces from the current data and from a snapshot", "[integration][snapshot]") {
    for (const auto &sql : installed_flavours()) {
        INFO("flavour " << sql.flavour);
        TestHome home;
        std::string before = create_with_items(home, sql, "orig");
        std::string changed = snapshot_then_change(home, sql, "orig", "snap");

        home.ok({"copy", "orig", "now"});
        home.ok({"copy", "orig", "then", "--snapshot", "snap"});
        CHECK_THAT(status_json(home, "orig"), Contains("\"running\""));
        CHECK(items_state(home, sql, "now") == changed);
        CHECK(items_state(home, sql, "then") == before);

        query(home, sql, "now", "delete from items");
        query(home, sql, "then", "delete from items where id = 1");
        CHECK(items_state(home, sql, "orig") == changed);
        CHECK(query(home, sql, "now", "select count(*) from items") == "0\n");
        CHECK(status_json(home, "now").find(port_json(home, "orig")) == std::string::npos);

        home.ok({"create", "fromsnap", "--from-snapshot", "orig/snap"});
        CHECK(items_state(home, sql, "fromsnap") == before);
        CHECK_THAT(status_json(home, "fromsnap"), Contains("\"" + sql.flavour + "\""));

        home.ok({"snapshot", "cp", "orig", "snap", "snap2", "--to-space", "then"});
        CHECK_THAT(home.ok({"snapshot", "ls", "then"}), Contains("snap2"));
        home.ok({"rollback", "then", "--to", "snap2"});
        CHECK(items_state(home, sql, "then") == before);
    }
}

TEST_CASE("verify finds a deleted payload file and a corrupt manifest; --repair removes them", "[integration][snapshot]") {
    TestHome home;
    home.ok({"create", "s", "--flavour", "postgres"});
    home.ok({"snapshot", "s", "a", "--snapshotter", "rsync"});
    home.ok({"snapshot", "s", "b", "--snapshotter", "tar"});
    home.ok({"snapshot", "s", "c"});
    CHECK(home.run({"snapshot", "verify", "s"}).succeeded());

    stdfs::remove(home.path() / "snapshots" / "s" / "a" / "payload" / "PG_VERSION");
    std::ofstream(home.path() / "snapshots" / "s" / "b" / "manifest.json") << "{ not json";
    stdfs::create_directories(home.path() / "snapshots" / "s" / ".staging-d-123");

    auto found = home.run({"snapshot", "verify", "s"});
    CHECK(found.exit_code == 1);
    CHECK_THAT(found.out, Contains("s/a: payload file PG_VERSION is missing"));
    CHECK_THAT(found.out, Contains("s/b: the snapshot manifest"));
    CHECK_THAT(found.out, Contains(".staging-d-123"));
    CHECK_THAT(found.out, !Contains("s/c"));
    auto inspect = home.run({"snapshot", "inspect", "s", "b"});
    CHECK(inspect.exit_code == 1);
    CHECK_THAT(inspect.err, Contains("manifest.json"));

    home.ok({"snapshot", "verify", "s", "--repair"});
    CHECK(home.run({"snapshot", "verify", "s"}).succeeded());
    std::string listed = home.ok({"snapshot", "ls", "s", "--json"});
    CHECK_THAT(listed, Contains("\"name\": \"c\""));
    CHECK_THAT(listed, !Contains("\"name\": \"a\""));
    CHECK_THAT(listed, !Contains("\"name\": \"b\""));
}

TEST_CASE("verify reads every stored block of blocks snapshots; --repair removes the snapshots using a damaged one", "[integration][snapshot]") {
    TestHome home;
    home.ok({"create", "s", "--flavour", "postgres"});
    home.ok({"snapshot", "s", "a"});
    CHECK(home.run({"snapshot", "verify", "s"}).succeeded());
    for (const auto &entry : stdfs::directory_iterator(home.path() / "blocks" / "packs"))
        if (entry.path().extension() == ".pack") {
            std::fstream pack(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
            pack.seekp(100);
            pack.put('!');
        }
    auto found = home.run({"snapshot", "verify", "s"});
    CHECK(found.exit_code == 1);
    CHECK_THAT(found.out, Contains("s/a: ") && Contains("SHA-256"));
    home.ok({"snapshot", "verify", "s", "--repair"});
    CHECK_THAT(home.ok({"snapshot", "ls", "s", "--json"}), !Contains("\"name\": \"a\""));
    CHECK(home.run({"snapshot", "verify", "s"}).succeeded());
}

namespace {

//! A 4 MiB tmpfs mounted on a fresh temp dir for the test's life (needs root); empty path when it cannot be mounted.
struct TinyFileSystem {
    dspace_test::TempDir where{"dspace-tiny-"};
    stdfs::path path;
    TinyFileSystem() {
        dspace::sdk::Command mount;
        mount.argv = {"mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", where.path().string()};
        dspace::ProcessRunnerImpl runner(nullptr);
        auto ran = runner.run(mount);
        if (ran.ok() && ran->succeeded()) path = where.path();
    }
    ~TinyFileSystem() {
        if (path.empty()) return;
        dspace::sdk::Command umount;
        umount.argv = {"umount", path.string()};
        dspace::ProcessRunnerImpl runner(nullptr);
        (void)runner.run(umount);
    }
};

} // namespace

TEST_CASE("a full disk fails the snapshot clearly, removes its partial files and leaves the space running", "[integration][snapshot]") {
    auto sql = postgres_sql();
    TestHome home;
    std::string before = create_with_items(home, sql, "s");
    TinyFileSystem tiny;
    if (tiny.path.empty()) {
        WARN("skipped: cannot mount a small tmpfs here (needs root)");
        return;
    }
    stdfs::remove(home.path() / "snapshots"); // empty: no snapshot yet
    stdfs::create_symlink(tiny.path, home.path() / "snapshots");
    for (std::string snapshotter : {"rsync", "tar"}) {
        INFO("snapshotter " << snapshotter);
        auto failed = home.run({"snapshot", "s", "big", "--snapshotter", snapshotter});
        CHECK(failed.exit_code == 1);
        CHECK_THAT(failed.err, Contains("free some disk space"));
        CHECK(stdfs::is_empty(tiny.path / "s"));
        CHECK(items_state(home, sql, "s") == before);
        CHECK_THAT(home.ok({"snapshot", "ls", "s", "--json"}), !Contains("big"));
    }
}
