// The frictions of the first hour: usage errors in the user's words, "did you mean", rm that checks every
// name first and asks before --all, exec's exit 127, paused spaces that say so, options never ignored.
#include "support.hpp"

#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>

#include <fstream>

using Catch::Matchers::Contains;
using dspace_test::status_field;
using dspace_test::TestHome;

namespace {

const char *const pg_server = "/usr/lib/postgresql/15/bin/postgres";

//! Runs `dspace args` on a pseudo-terminal (script(1)) with answer typed in; what the terminal showed.
dspace_test::RunResult run_on_terminal(const TestHome &home, const std::string &args, const std::string &answer) {
    auto typed = home.path() / "typed";
    std::ofstream(typed) << answer;
    dspace::ProcessRunnerImpl runner(nullptr);
    dspace::sdk::Command command;
    command.argv = {"script", "-qec", std::string(DSPACE_TEST_BINARY) + " " + args, "/dev/null"};
    command.stdin_file = typed.string();
    command.timeout = std::chrono::seconds(120);
    auto ran = runner.run(command);
    REQUIRE(ran.ok());
    return {ran->exit_code, ran->out, ran->err};
}

} // namespace

TEST_CASE("usage errors name what is missing in the words of the usage line", "[everyday][usage]") {
    TestHome home;
    auto status = home.run({"status"});
    CHECK(status.exit_code == 2);
    CHECK_THAT(status.err, Contains("missing NAME; usage: dspace status NAME"));
    CHECK_THAT(status.err, !Contains("--name"));
    auto snapshot = home.run({"snapshot", "db"});
    CHECK(snapshot.exit_code == 2);
    CHECK_THAT(snapshot.err, Contains("missing SNAP; usage: dspace snapshot NAME SNAP"));
    auto start = home.run({"start"});
    CHECK_THAT(start.err, Contains("missing NAME...; usage: dspace start NAME..."));
    // `snapshot list` is `snapshot ls`, not a space called "list".
    auto list = home.run({"snapshot", "list", "--json"});
    CHECK(list.exit_code == 0);
    CHECK(list.out == "[]\n");
}

TEST_CASE("did you mean: verbs, options, sub-verbs, flavours, snapshotters, tools and config keys", "[everyday][usage]") {
    TestHome home;
    auto verb = home.run({"stauts", "db"});
    CHECK(verb.exit_code == 2);
    CHECK_THAT(verb.err, Contains("did you mean 'status'?"));
    auto option = home.run({"create", "db", "--flavor", "postgres"});
    CHECK(option.exit_code == 2);
    CHECK_THAT(option.err, Contains("did you mean '--flavour'?"));
    auto sub_verb = home.run({"snapshot", "lst"});
    CHECK(sub_verb.exit_code == 2);
    CHECK_THAT(sub_verb.err, Contains("did you mean 'list'?"));
    auto flavour = home.run({"create", "db", "--flavour", "postgress"});
    CHECK(flavour.exit_code == 1);
    CHECK_THAT(flavour.err, Contains("did you mean 'postgres'?"));
    auto nothing_close = home.run({"create", "db", "--flavour", "oracle"});
    CHECK_THAT(nothing_close.err, !Contains("did you mean"));
    auto key = home.run({"config", "set", "snapshots.default_snapshoter", "rsync"});
    CHECK(key.exit_code != 0);
    CHECK_THAT(key.err, Contains("did you mean 'snapshots.default_snapshotter'?"));
    if (!dspace_test::have_program(pg_server)) return;
    home.ok({"create", "db", "--flavour", "postgres"});
    auto snapshotter = home.run({"snapshot", "db", "s1", "--snapshotter", "rsnyc"});
    CHECK(snapshotter.exit_code != 0);
    CHECK_THAT(snapshotter.err, Contains("did you mean 'rsync'?"));
    auto tool = home.run({"migrate", "db", "--tool", "alembik"});
    CHECK(tool.exit_code != 0);
    CHECK_THAT(tool.err, Contains("did you mean 'alembic'?"));
}

TEST_CASE("a name with invalid UTF-8 is shown escaped", "[everyday][usage]") {
    TestHome home;
    auto bad = home.run({"create", "caf\xFF" "e", "--flavour", "postgres"});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Contains("caf\\xFFe"));
    CHECK(bad.err.find('\xFF') == std::string::npos);
}

TEST_CASE("mariadb is another name of the mysql flavour", "[everyday][mysql]") {
    if (!dspace_test::mariadb_installed()) return;
    TestHome home;
    home.ok({"create", "m", "--flavour", "mariadb"});
    CHECK(status_field(home, "m", "flavour") == "mysql");
    CHECK(dspace_test::query(home, dspace_test::mysql_sql(), "m", "select 1") == "1\n");
}

TEST_CASE("rm checks every name before removing any; rm --all asks on a terminal", "[everyday][rm]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    home.ok({"create", "a", "--flavour", "postgres"});
    auto mixed = home.run({"rm", "a", "nope"});
    CHECK(mixed.exit_code == 1);
    CHECK_THAT(mixed.err, Contains("'nope'") && Contains("nothing was removed"));
    CHECK(status_field(home, "a", "status") == "running");

    auto refused = run_on_terminal(home, "rm --all", "n\n");
    CHECK_THAT(refused.out, Contains("remove 1 space (a) and their data? [y/N]") && Contains("nothing removed"));
    CHECK(status_field(home, "a", "status") == "running");
    auto agreed = run_on_terminal(home, "rm --all", "y\n");
    CHECK_THAT(agreed.out, Contains("removed a"));
    CHECK(home.ok({"list", "--json"}) == "[]\n");

    home.ok({"create", "b", "--flavour", "postgres"});
    auto yes = run_on_terminal(home, "rm --all --yes", "");
    CHECK_THAT(yes.out, Contains("removed b") && !Contains("[y/N]"));
    CHECK(home.ok({"list", "--json"}) == "[]\n");
}

TEST_CASE("exec exits 127 for a missing program; shell and exec say when a space is paused", "[everyday][exec]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    home.ok({"create", "db", "--flavour", "postgres"});
    auto missing = home.run({"exec", "db", "--", "no-such-program-dspace"});
    CHECK(missing.exit_code == 127);
    CHECK_THAT(missing.err, Contains("command not found: no-such-program-dspace"));

    home.ok({"pause", "db"});
    auto exec = home.run({"exec", "db", "--", "true"});
    CHECK(exec.exit_code == 0);
    CHECK_THAT(exec.err, Contains("space 'db' is paused") && Contains("`dspace resume db`"));
    auto shell = home.run({"shell", "db", "--system", "--", "-c", "true"});
    CHECK(shell.exit_code == 0);
    CHECK_THAT(shell.err, Contains("space 'db' is paused") && Contains("`dspace resume db`"));
    home.ok({"resume", "db"});
    CHECK_THAT(home.run({"exec", "db", "--", "true"}).err, !Contains("paused"));
}

TEST_CASE("create --from-snapshot refuses the options a snapshot decides", "[everyday][snapshot]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    home.ok({"create", "db", "--flavour", "postgres"});
    home.ok({"snapshot", "db", "s1"});
    for (const char *option : {"--initial-database", "--user", "--password"}) {
        auto refused = home.run({"create", "twin", "--from-snapshot", "db/s1", option, "other"});
        CHECK(refused.exit_code == 2);
        CHECK_THAT(refused.err, Contains(std::string(option) + " cannot be used with --from-snapshot"));
    }
    CHECK(home.run({"status", "twin"}).exit_code == 1);
}

TEST_CASE("config get --json prints the value as JSON", "[everyday][config]") {
    TestHome home;
    home.ok({"config", "set", "flavours.postgres.answer", "42"}); // a loaded flavour's section takes any key
    home.ok({"config", "set", "flavours.postgres.label", "a \"quoted\" text"});
    CHECK(home.ok({"config", "get", "flavours.postgres.answer", "--json"}) == "{\"key\":\"flavours.postgres.answer\",\"value\":42}\n");
    CHECK(home.ok({"config", "get", "flavours.postgres.label", "--json"}) ==
          "{\"key\":\"flavours.postgres.label\",\"value\":\"a \\\"quoted\\\" text\"}\n");
    CHECK_THAT(home.ok({"config", "get", "flavours.postgres", "--json"}), Contains("\"value\":{") && Contains("\"answer\":42"));
}

TEST_CASE("--help says where state lives by default", "[everyday][usage]") {
    auto help = dspace_test::run_dspace({"--help"});
    CHECK_THAT(help.out, Contains("/var/lib/dataspace as root") && Contains("~/.dataspace"));
}
