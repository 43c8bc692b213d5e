// Server settings (create --set, dspace set, config defaults) and expiry (--ttl, --idle-stop) on real servers.
#include "support.hpp"

#include <dspace/core/process.hpp>
#include <dspace/core/server_identity.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

using Catch::Matchers::Contains;
using dspace_test::query;
using dspace_test::status_field;
using dspace_test::TestHome;

namespace {

const char *const pg_server = "/usr/lib/postgresql/15/bin/postgres";

//! True when process pid exists.
bool alive(pid_t pid) { return ::kill(pid, 0) == 0; }

//! Waits up to limit for done(); returns how long it took, or limit + 1 s when it never happened.
template <typename Done>
std::chrono::milliseconds wait_for(std::chrono::seconds limit, Done done) {
    auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < limit) {
        if (done()) return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return limit + std::chrono::seconds(1);
}

} // namespace

TEST_CASE("postgres settings: create --set, dspace set, config defaults, and a bad value changes nothing", "[everyday][settings][postgres]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    home.ok({"config", "set", "flavours.postgres.settings", "{\"max_connections\": 42}"});
    home.ok({"create", "db", "--flavour", "postgres", "--set", "work_mem=8MB", "--set", "application_name=it's"});
    CHECK(query(home, "db", "show work_mem") == "8MB");
    CHECK(query(home, "db", "show max_connections") == "42"); // the configured default
    CHECK_THAT(home.ok({"status", "db"}), Contains("work_mem = 8MB") && Contains("application_name = it's"));
    CHECK_THAT(home.ok({"status", "db", "--json"}), Contains("\"work_mem\":\"8MB\""));

    home.ok({"set", "db", "work_mem=16MB"});
    CHECK(query(home, "db", "show work_mem") == "16MB");
    auto bad = home.run({"set", "db", "work_mem=lots"});
    CHECK(bad.exit_code == 1);
    CHECK_THAT(bad.err, Contains("invalid value for parameter \"work_mem\": \"lots\"") && Contains("previous settings"));
    CHECK(status_field(home, "db", "status") == "running");
    CHECK(query(home, "db", "show work_mem") == "16MB");
    CHECK_THAT(home.ok({"status", "db"}), !Contains("lots"));

    auto managed = home.run({"set", "db", "port=1"});
    CHECK(managed.exit_code == 2);
    CHECK_THAT(managed.err, Contains("'port' is managed by dspace"));

    home.ok({"stop", "db"});
    home.ok({"set", "db", "--unset", "work_mem", "temp_buffers=2MB"});
    CHECK(status_field(home, "db", "status") == "stopped"); // checked by a start, then stopped again
    home.ok({"start", "db"});
    CHECK(query(home, "db", "show work_mem") == "4MB"); // back to the server's default
    CHECK(query(home, "db", "show temp_buffers") == "2MB");
}

TEST_CASE("MariaDB settings: create --set and an unknown option reported by the server", "[everyday][settings][mysql]") {
    if (!dspace_test::mariadb_installed()) return;
    TestHome home;
    home.ok({"create", "m", "--flavour", "mysql", "--set", "max_connections=33"});
    CHECK(query(home, dspace_test::mysql_sql(), "m", "select @@max_connections") == "33\n");
    auto bad = home.run({"set", "m", "no_such_option=1"});
    CHECK(bad.exit_code == 1);
    CHECK_THAT(bad.err, Contains("unknown variable 'no_such_option=1'"));
    CHECK(status_field(home, "m", "status") == "running");
    CHECK(query(home, dspace_test::mysql_sql(), "m", "select @@max_connections") == "33\n");
}

TEST_CASE("--idle-stop stops a space a few seconds after its last client leaves, with no command run", "[everyday][expiry][postgres]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    home.ok({"create", "idle", "--flavour", "postgres", "--idle-stop", "3s"});
    CHECK_THAT(home.ok({"list"}), Contains("stops after 3s idle"));
    auto pid = static_cast<pid_t>(std::stoi(status_field(home, "idle", "pid")));
    // A TCP client (exec: the PG variables) and a Unix-socket client (shell) each stay longer than 3 s.
    home.ok({"exec", "idle", "--", "psql", "-Atc", "select pg_sleep(4)"});
    REQUIRE(alive(pid));
    CHECK(query(home, "idle", "select pg_sleep(4), 1") == "|1");
    REQUIRE(alive(pid));
    auto took = wait_for(std::chrono::seconds(10), [&] { return !alive(pid); });
    CHECK(took <= std::chrono::seconds(8));
    CHECK(status_field(home, "idle", "status") == "stopped");
    home.ok({"start", "idle"}); // starts again, and is watched again
    CHECK(query(home, "idle", "select 1") == "1");
}

TEST_CASE("--ttl removes a space when its time is up, with no command run", "[everyday][expiry][postgres]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    home.ok({"create", "later", "--flavour", "postgres", "--ttl", "1h"});
    CHECK_THAT(home.ok({"list"}), Contains("(in 59m"));
    CHECK_THAT(home.ok({"status", "later", "--json"}), Contains("\"expires\":\"20"));
    home.ok({"create", "brief", "--flavour", "postgres", "--ttl", "3s"});
    auto dir = home.path() / "spaces" / "brief";
    auto took = wait_for(std::chrono::seconds(12), [&] { return !std::filesystem::exists(dir); });
    CHECK(took <= std::chrono::seconds(9));
    CHECK(dspace::servers_on(pg_server, (dir / "data").string()).empty()); // its server is gone too
    CHECK(home.ok({"list", "--names"}) == "later\n");
    CHECK(home.run({"create", "x", "--flavour", "postgres", "--ttl", "soon"}).exit_code == 2);
}
