// The options and verbs of a PostgreSQL space around its life: create's options, status, logs,
// env formats, the system shell, rm --all/--purge, and a create interrupted by Ctrl-C.
#include "support.hpp"

#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <csignal>
#include <fstream>
#include <thread>

using dspace_test::query;
using dspace_test::status_field;
using dspace_test::TestHome;

namespace {

const char *const pg_server = "/usr/lib/postgresql/15/bin/postgres";

//! Runs an OS command with the test's environment and returns what it printed; stdin from stdin_file.
std::string run_os(const std::vector<std::string> &argv, const std::string &stdin_file = {}) {
    dspace::ProcessRunnerImpl runner(nullptr);
    dspace::sdk::Command command;
    command.argv = argv;
    command.stdin_file = stdin_file;
    command.timeout = std::chrono::seconds(60);
    auto ran = runner.run(command);
    REQUIRE(ran.ok());
    INFO(ran->err);
    REQUIRE(ran->succeeded());
    return ran->out;
}

} // namespace

TEST_CASE("create honours --initial-database, --user, --password and --expose-port", "[space][postgres][options]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    auto probe = home.run({"create", "probe", "--flavour", "postgres"});
    REQUIRE(probe.exit_code == 0);
    int port = std::stoi(status_field(home, "probe", "port")) + 1; // likely free; retried below if not
    home.ok({"rm", "probe"});
    auto created = home.run({"create", "app", "--flavour", "postgres", "--initial-database", "shop", "--user", "alice",
                             "--password", "s3cret pass'word", "--expose-port", std::to_string(port)});
    INFO(created.err);
    REQUIRE(created.exit_code == 0);
    CHECK(created.out.find("s3cret") == std::string::npos); // the password is masked
    CHECK(status_field(home, "app", "port") == std::to_string(port));
    CHECK(query(home, "app", "select current_database() || ' ' || current_user") == "shop alice");

    // The password works over TCP, through the variables `dspace env` prints.
    std::string env = home.ok({"env", "app", "--format", "dotenv"});
    CHECK(env.find("PGPORT=\"" + std::to_string(port) + "\"") != std::string::npos);
    CHECK(env.find("PGDATABASE=\"shop\"") != std::string::npos);
    std::string out = run_os({"/bin/bash", "-c", std::string("eval \"$(") + DSPACE_TEST_BINARY +
                                                    " env app)\" && psql -h \"$PGHOST\" -At -c 'select 1'"});
    CHECK(out == "1\n");
    CHECK(home.run({"create", "other", "--flavour", "postgres", "--port", "1", "--expose-port", "2"}).exit_code == 2);
}

TEST_CASE("status, logs and the system shell describe and reach a space", "[space][postgres][options]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    home.ok({"create", "db", "--flavour", "postgres"});

    auto status = home.run({"status", "db", "--json"});
    rapidjson::Document doc;
    doc.Parse(status.out.c_str());
    REQUIRE(doc.IsObject());
    for (const char *key : {"name", "flavour", "version", "status", "port", "pid", "data_dir", "size_bytes", "created"})
        CHECK(doc.HasMember(key));
    CHECK(status.out.find(status_field(home, "db", "port")) != std::string::npos);
    CHECK(home.ok({"list"}).find("db") != std::string::npos);

    // The server's own log: the last line only with -n 1.
    std::string logs = home.ok({"logs", "db"});
    CHECK(logs.find("database system is ready to accept connections") != std::string::npos);
    std::string last = home.ok({"logs", "db", "-n", "1"});
    CHECK(std::count(last.begin(), last.end(), '\n') == 1);

    // --system: a shell with the space's environment, reading commands from stdin.
    auto script = home.path() / "script.sh";
    std::ofstream(script) << "echo \"$PGDATABASE:$PGPORT\"\n";
    std::string out = run_os({DSPACE_TEST_BINARY, "shell", "db", "--system"}, script.string());
    CHECK(out == "db:" + status_field(home, "db", "port") + "\n");

    auto json = home.ok({"env", "db", "--format", "json"});
    rapidjson::Document vars;
    vars.Parse(json.c_str());
    REQUIRE(vars.IsObject());
    for (const char *key : {"DATABASE_URL", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "JDBC_URL", "SQLALCHEMY_URL"})
        CHECK(vars.HasMember(key));
    CHECK(home.run({"logs", "nosuch"}).exit_code == 1);
}

TEST_CASE("rm --all removes every space; --purge also removes snapshots", "[space][postgres][options]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    home.ok({"create", "a", "--flavour", "postgres"});
    home.ok({"create", "b", "--flavour", "postgres"});
    home.ok({"snapshot", "a", "s1"});
    home.ok({"rm", "a", "--purge"});
    CHECK_FALSE(std::filesystem::exists(home.path() / "snapshots" / "a"));
    home.ok({"snapshot", "b", "s1"});
    home.ok({"rm", "--all"});
    CHECK(home.ok({"list", "--json"}) == "[]\n");
    CHECK(std::filesystem::exists(home.path() / "snapshots" / "b" / "s1")); // snapshots stay without --purge
    CHECK(home.run({"rm"}).exit_code == 2);
}

TEST_CASE("a create interrupted by Ctrl-C or a kill at any moment leaves no half space", "[space][postgres][options]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    home.ok({"create", "warm", "--flavour", "postgres"}); // the template exists, so creates are fast
    for (int delay_ms : {20, 60, 120, 200, 300}) {
        for (int signal : {SIGINT, SIGKILL}) {
            std::string name = "half" + std::to_string(delay_ms) + "s" + std::to_string(signal);
            dspace::sdk::Command create;
            create.argv = {DSPACE_TEST_BINARY, "create", name, "--flavour", "postgres"};
            pid_t pid = dspace::spawn_detached(create, (home.path() / "create.log").string());
            std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
            ::kill(pid, signal);
            REQUIRE(dspace::wait_for_exit(pid, std::chrono::seconds(30)));
            auto listed = home.ok({"list", "--json"}); // also cleans what the interrupted create left
            INFO(name << " " << listed);
            if (listed.find("\"" + name + "\"") != std::string::npos) {
                CHECK(query(home, name, "select 1") == "1"); // it had finished: a whole, working space
                home.ok({"rm", name});
            } else {
                CHECK_FALSE(std::filesystem::exists(home.path() / "spaces" / name));
            }
        }
    }
    CHECK(query(home, "warm", "select 1") == "1");
}

TEST_CASE("start replaces a server that dspace lost track of, which holds the space's port", "[space][postgres][options]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    home.ok({"create", "db", "--flavour", "postgres"});
    pid_t lost = std::stoi(status_field(home, "db", "pid"));
    // As if dspace was killed between starting the server and recording its pid.
    auto state_file = home.path() / "spaces" / "db" / "space.json";
    std::string text;
    {
        std::ifstream in(state_file);
        text.assign(std::istreambuf_iterator<char>(in), {});
    }
    rapidjson::Document state;
    state.Parse(text.c_str());
    REQUIRE(state.IsObject());
    state["pid"].SetInt(0);
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    state.Accept(writer);
    std::ofstream(state_file) << buffer.GetString();
    REQUIRE(status_field(home, "db", "status") == "stopped");

    auto started = home.run({"start", "db"});
    INFO(started.err);
    REQUIRE(started.exit_code == 0);
    CHECK_FALSE(dspace::process_alive(lost));
    CHECK(query(home, "db", "select 1") == "1");
}

TEST_CASE("a socket path too long for Unix sockets fails clearly and leaves nothing behind", "[space][postgres][options]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    std::string name(63, 'n'); // a valid name, but $DSPACE_HOME/spaces/<name>/run/.s.PGSQL.<port> exceeds 107 bytes
    auto created = home.run({"create", name, "--flavour", "postgres"});
    CHECK(created.exit_code == 1);
    CHECK(created.err.find("longer than the 107 characters") != std::string::npos);
    CHECK(created.err.find("hint: use a shorter DSPACE_HOME") != std::string::npos);
    CHECK(home.ok({"list", "--json"}) == "[]\n");
    CHECK_FALSE(std::filesystem::exists(home.path() / "spaces" / name));
}
