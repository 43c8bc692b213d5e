// The life of PostgreSQL spaces through the real dspace program.
#include "support.hpp"

#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <arpa/inet.h>
#include <csignal>
#include <future>
#include <netinet/in.h>
#include <set>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using dspace_test::query;
using dspace_test::status_field;
using dspace_test::TestHome;

namespace {

const char *const pg_server = "/usr/lib/postgresql/15/bin/postgres";

//! Entries of $DSPACE_HOME/spaces, hidden ones included.
std::vector<std::string> space_dirs(const TestHome &home) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(home.path() / "spaces", ec)) names.push_back(entry.path().filename());
    return names;
}

} // namespace

TEST_CASE("a postgres space goes through its whole life", "[space][postgres]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    auto created = home.run({"create", "db", "--flavour", "postgres"});
    INFO(created.err);
    REQUIRE(created.exit_code == 0);
    CHECK(created.out.find("postgresql://dspace@127.0.0.1:") != std::string::npos);
    CHECK(query(home, "db", "select 40 + 2") == "42");
    CHECK(query(home, "db", "select current_database() || ' ' || current_user") == "db dspace");

    auto listed = home.run({"list", "--json"});
    rapidjson::Document doc;
    doc.Parse(listed.out.c_str());
    REQUIRE(doc.IsArray());
    REQUIRE(doc.Size() == 1);
    for (const char *key : {"name", "flavour", "version", "status", "port", "pid", "data_dir", "size_bytes", "created"})
        CHECK(doc[0].HasMember(key));
    CHECK(std::string(doc[0]["status"].GetString()) == "running");
    CHECK(doc[0]["size_bytes"].GetUint64() > 1000000);
    CHECK(listed.out.find(status_field(home, "db", "port")) != std::string::npos);

    SECTION("env evaluates in bash and exec passes the exit code through") {
        dspace::ProcessRunnerImpl runner(nullptr);
        dspace::sdk::Command bash;
        bash.argv = {"/bin/bash", "-c", std::string("eval \"$(") + DSPACE_TEST_BINARY + " env db)\" && echo \"$PGDATABASE $PGUSER\""};
        auto ran = runner.run(bash);
        REQUIRE(ran.ok());
        CHECK(ran->out == "db dspace\n");
        auto json = home.run({"env", "db", "--format", "json"});
        CHECK(json.out.find("\"DATABASE_URL\":\"postgresql://") != std::string::npos);
        CHECK(home.run({"exec", "db", "--", "sh", "-c", "test -n \"$DATABASE_URL\" && exit 7"}).exit_code == 7);
    }
    SECTION("stop costs nothing and start brings the data back") {
        query(home, "db", "create table t(x int); insert into t values (7)");
        REQUIRE(home.run({"stop", "db"}).exit_code == 0);
        CHECK(status_field(home, "db", "status") == "stopped");
        CHECK(status_field(home, "db", "pid") == "null");
        REQUIRE(home.run({"start", "db"}).exit_code == 0);
        CHECK(query(home, "db", "select x from t") == "7");
    }
    SECTION("a server killed with SIGKILL reads as stopped and starts again") {
        pid_t pid = std::stoi(status_field(home, "db", "pid"));
        ::kill(pid, SIGKILL);
        dspace::wait_for_exit(pid, std::chrono::seconds(10));
        CHECK(status_field(home, "db", "status") == "stopped");
        REQUIRE(home.run({"start", "db"}).exit_code == 0);
        CHECK(query(home, "db", "select 1") == "1");
    }
    SECTION("a query sent while paused completes after resume") {
        REQUIRE(home.run({"pause", "db"}).exit_code == 0);
        CHECK(status_field(home, "db", "status") == "paused");
        auto pending = std::async(std::launch::async, [&] { return home.run({"shell", "db", "--", "-tAc", "select 5"}); });
        CHECK(pending.wait_for(std::chrono::milliseconds(1500)) == std::future_status::timeout);
        REQUIRE(home.run({"resume", "db"}).exit_code == 0);
        auto answer = pending.get();
        CHECK(answer.exit_code == 0);
        CHECK(answer.out == "5\n");
    }
    SECTION("rm deletes the space and its data directory") {
        REQUIRE(home.run({"rm", "db"}).exit_code == 0);
        CHECK(home.run({"status", "db"}).exit_code == 1);
        CHECK(space_dirs(home).empty());
    }
}

TEST_CASE("bad input fails clearly and leaves nothing behind", "[space][postgres]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    auto bad_name = home.run({"create", "../x", "--flavour", "postgres"});
    CHECK(bad_name.exit_code == 2);
    auto unknown = home.run({"create", "x", "--flavour", "oracle"});
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err.find("postgres") != std::string::npos);
    auto version = home.run({"create", "x", "--flavour", "postgres", "--version", "7"});
    CHECK(version.exit_code == 1);
    CHECK(version.err.find("not installed") != std::string::npos);

    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa {};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) == 0);
    ::listen(fd, 1);
    socklen_t len = sizeof sa;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&sa), &len);
    std::string busy = std::to_string(ntohs(sa.sin_port));
    auto in_use = home.run({"create", "x", "--flavour", "postgres", "--port", busy});
    ::close(fd);
    CHECK(in_use.exit_code == 1);
    CHECK(in_use.err.find("port " + busy) != std::string::npos);
    CHECK(space_dirs(home).empty());

    REQUIRE(home.run({"create", "x", "--flavour", "postgres"}).exit_code == 0);
    auto taken = home.run({"create", "x", "--flavour", "postgres"});
    CHECK(taken.exit_code == 1);
    CHECK(taken.err.find("already exists") != std::string::npos);
    CHECK(query(home, "x", "select 1") == "1");
}

TEST_CASE("a flavour whose server programs are missing fails with an install hint", "[space]") {
    TestHome home;
    auto dir = std::filesystem::path(DSPACE_TEST_FIXTURE_DIR) / "uninstalled";
    auto created = home.run({"--plugin-dir", dir.string(), "create", "x", "--flavour", "fixture_uninstalled"});
    CHECK(created.exit_code == 1);
    CHECK(created.err.find("no fixture_uninstalled server is installed") != std::string::npos);
    CHECK(created.err.find("hint: apt-get install fixture-server") != std::string::npos);
    CHECK(space_dirs(home).empty());
}

TEST_CASE("a create killed half-way leaves no half space", "[space][postgres]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    dspace::sdk::Command create;
    create.argv = {DSPACE_TEST_BINARY, "create", "half", "--flavour", "postgres"};
    pid_t pid = dspace::spawn_detached(create, (home.path() / "create.log").string());
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    ::kill(pid, SIGKILL);
    dspace::wait_for_exit(pid, std::chrono::seconds(5));
    auto listed = home.run({"list", "--json"});
    REQUIRE(listed.exit_code == 0);
    if (listed.out == "[]\n") {
        CHECK(space_dirs(home).empty()); // the leftover was cleaned by `list`
    } else {
        CHECK(query(home, "half", "select 1") == "1"); // it finished before the kill: a whole space
    }
}

TEST_CASE("dspace create | cat returns: the server does not hold the pipe", "[space][postgres]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    dspace::ProcessRunnerImpl runner(nullptr);
    dspace::sdk::Command piped;
    piped.argv = {"/bin/sh", "-c", std::string(DSPACE_TEST_BINARY) + " create p --flavour postgres | cat"};
    piped.timeout = std::chrono::seconds(60);
    auto ran = runner.run(piped);
    REQUIRE(ran.ok());
    CHECK_FALSE(ran->timed_out);
    CHECK(ran->out.find("created space 'p'") != std::string::npos);
}

TEST_CASE("five postgres and three MariaDB spaces run side by side, each on its own port", "[space][postgres][mysql]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    std::vector<std::pair<std::string, dspace_test::FlavourSql>> spaces;
    for (int i = 0; i < 5; ++i) spaces.emplace_back("p" + std::to_string(i), dspace_test::postgres_sql());
    if (dspace_test::mariadb_installed())
        for (int i = 0; i < 3; ++i) spaces.emplace_back("m" + std::to_string(i), dspace_test::mysql_sql());
    std::vector<std::future<dspace_test::RunResult>> creates;
    for (const auto &[name, sql] : spaces)
        creates.push_back(std::async(std::launch::async, [&home, name = name, flavour = sql.flavour] {
            return home.run({"create", name, "--flavour", flavour});
        }));
    for (auto &c : creates) {
        auto r = c.get();
        INFO(r.err);
        CHECK(r.exit_code == 0);
    }
    std::set<std::string> ports;
    for (const auto &[name, sql] : spaces) {
        CHECK(query(home, sql, name, "select 40 + 2") == "42\n"); // every one is up at the same time
        ports.insert(status_field(home, name, "port"));
    }
    CHECK(ports.size() == spaces.size());
}
