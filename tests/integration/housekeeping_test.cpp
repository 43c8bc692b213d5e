// dspace cache, gc, the faster setup --check, and shell completion that asks dspace instead of guessing.
#include "support.hpp"

#include <dspace/core/fs.hpp>
#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>

using Catch::Matchers::Contains;
using dspace_test::TestHome;

namespace {

const char *const pg_server = "/usr/lib/postgresql/15/bin/postgres";

//! Runs script with the shell at shell_path, dspace first on PATH; returns its standard output.
std::string run_shell(const std::string &shell_path, const std::string &script) {
    dspace::ProcessRunnerImpl runner(nullptr);
    dspace::sdk::Command command;
    command.argv = {shell_path, "-c", script};
    command.env = {{"PATH", std::filesystem::path(DSPACE_TEST_BINARY).parent_path().string() + ":/usr/bin:/bin"}};
    command.timeout = std::chrono::seconds(60);
    auto ran = runner.run(command);
    REQUIRE(ran.ok());
    INFO(ran->err);
    REQUIRE(ran->succeeded());
    return ran->out;
}

//! The words as one quoted shell word list, each preceded by a space.
std::string quoted(const std::vector<std::string> &words) {
    std::string list;
    for (const auto &word : words) list += " '" + word + "'";
    return list;
}

//! What the bash completion offers for the command line words (the last one being completed).
std::string complete_bash(const std::vector<std::string> &words) {
    return run_shell("/bin/bash", "source " + std::string(DSPACE_TEST_SOURCE_DIR) + "/cli/completion/dspace.bash\n"
                                  "COMP_WORDS=(dspace" + quoted(words) + ")\nCOMP_CWORD=${#COMP_WORDS[@]}\n((COMP_CWORD--))\n"
                                  "_dspace\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n");
}

//! What the zsh completion offers for the command line words: zsh's compadd and _files only work inside a
//! completion widget, so they are replaced by functions that print what would be offered.
std::string complete_zsh(const std::vector<std::string> &words) {
    return run_shell("/usr/bin/zsh", "compadd() { while (( $# )) && [[ $1 != -- ]]; do shift; done; shift; print -l -- \"$@\"; }\n"
                                     "_files() { print -- '<files>'; }\n"
                                     "words=(dspace" + quoted(words) + ")\nCURRENT=${#words}\n"
                                     "source " + std::string(DSPACE_TEST_SOURCE_DIR) + "/cli/completion/_dspace\n");
}

//! Checks that complete (one shell's completion) offers what dspace knows: verbs, plugins, spaces, snapshots.
void check_completion(TestHome &home, std::string (*complete)(const std::vector<std::string> &)) {
    CHECK_THAT(complete({"cre"}), Contains("create"));
    std::string flavours = complete({"create", "x", "--flavour", ""});
    CHECK_THAT(flavours, Contains("postgres") && Contains("mysql"));
    CHECK_THAT(complete({"env", "x", "--format", ""}), Contains("dotenv"));
    CHECK_THAT(complete({"migrate", "x", "--tool", ""}), Contains("alembic") && Contains("liquibase"));
    CHECK_THAT(complete({"snapshot", "x", "s", "--snapshotter", ""}), Contains("rsync"));
    CHECK_THAT(complete({"create", "--he"}), Contains("--help"));
    if (!dspace_test::have_program(pg_server)) return;
    home.ok({"create", "alpha", "--flavour", "postgres"});
    home.ok({"snapshot", "alpha", "before-migration"});
    CHECK_THAT(complete({"status", "al"}), Contains("alpha"));
    CHECK_THAT(complete({"rollback", "alpha", "--to", ""}), Contains("before-migration"));
    CHECK_THAT(complete({"create", "beta", "--from-snapshot", ""}), Contains("alpha/before-migration"));
}

} // namespace

TEST_CASE("cache ls shows the template sizes; clear removes them and the next create rebuilds", "[everyday][housekeeping][postgres]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    CHECK_THAT(home.ok({"cache", "ls"}), Contains("no cached templates"));
    home.ok({"create", "a", "--flavour", "postgres"});
    CHECK_THAT(home.ok({"cache", "ls"}), Contains("postgres-15") && Contains("MiB"));
    CHECK_THAT(home.ok({"cache", "ls", "--json"}), Contains("\"name\": \"postgres-15\""));
    CHECK_THAT(home.ok({"cache", "clear"}), Contains("freed"));
    CHECK(home.ok({"cache", "ls", "--json"}) == "[]\n");
    home.ok({"create", "b", "--flavour", "postgres"});
    CHECK(dspace_test::query(home, "b", "select 1") == "1");
    CHECK_THAT(home.ok({"cache", "ls"}), Contains("postgres-15"));
    CHECK(dspace_test::query(home, "a", "select 1") == "1"); // existing spaces do not need the cache
}

TEST_CASE("gc removes a space past its TTL and leftover template builds, and says what it freed", "[everyday][housekeeping][postgres]") {
    if (!dspace_test::have_program(pg_server)) return;
    TestHome home;
    home.ok({"create", "keep", "--flavour", "postgres"});
    home.ok({"create", "old", "--flavour", "postgres"});
    // Its TTL passed while no watcher ran (e.g. the machine was off): gc is the first command to see it.
    auto state_file = home.path() / "spaces" / "old" / "space.json";
    std::string state = dspace::fs::read_file(state_file);
    auto at = state.find("\"expires\": \"\"");
    REQUIRE(at != std::string::npos);
    state.replace(at, 13, "\"expires\": \"2000-01-01T00:00:00Z\"");
    std::ofstream(state_file) << state;
    auto leftover = home.path() / "cache" / "templates" / ".tmp-postgres-15-dead";
    std::filesystem::create_directories(leftover);
    std::ofstream(leftover / "PG_VERSION") << "15\n";
    auto gc = home.ok({"gc"});
    CHECK_THAT(gc, Contains("removed expired space old") && Contains("leftover cache/templates/.tmp-postgres-15-dead") &&
                       Contains("freed"));
    CHECK_FALSE(std::filesystem::exists(home.path() / "spaces" / "old"));
    CHECK_FALSE(std::filesystem::exists(leftover));
    CHECK(std::filesystem::exists(home.path() / "cache" / "templates" / "postgres-15"));
    CHECK(dspace_test::status_field(home, "keep", "status") == "running");
}

TEST_CASE("setup --check remembers the tools' versions until their files change", "[everyday][housekeeping]") {
    TestHome home;
    home.run({"setup"}); // makes the home, probes every tool at once, and remembers the answers
    CHECK(std::filesystem::exists(home.path() / "cache" / "tool-versions.json"));
    auto first = home.run({"setup", "--check"});
    CHECK((first.exit_code == 0 || first.exit_code == 1));
    CHECK_THAT(first.out, Contains("postgres") && Contains("rsync"));
    auto again = home.run({"setup", "--check"});
    CHECK(again.out == first.out);
    CHECK(again.exit_code == first.exit_code);
    if (!dspace_test::have_program(pg_server)) return;
    // A remembered answer is what setup shows, without running the tool again...
    auto cache_file = home.path() / "cache" / "tool-versions.json";
    std::string cache = dspace::fs::read_file(cache_file);
    const std::string answer = "postgres (PostgreSQL) ";
    auto at = cache.find(answer);
    REQUIRE(at != std::string::npos);
    std::ofstream(cache_file) << cache.substr(0, at) + answer + "0.0.42-remembered " + cache.substr(at + answer.size());
    CHECK_THAT(home.run({"setup", "--check"}).out, Contains("0.0.42-remembered"));
    // ...until the tool's file changes: an answer remembered for another size of the file is not used.
    std::string doctored = dspace::fs::read_file(cache_file);
    std::ofstream(cache_file) << std::regex_replace(doctored, std::regex("/postgres\\|[0-9]+\\|"), "/postgres|1|");
    auto probed = home.run({"setup", "--check"}).out;
    CHECK_THAT(probed, Contains("postgres (PostgreSQL)"));
    CHECK_THAT(probed, !Contains("0.0.42-remembered"));
}

TEST_CASE("bash completion asks dspace for spaces, flavours, snapshots, formats and tools", "[everyday][completion][postgres]") {
    TestHome home;
    check_completion(home, complete_bash);
}

TEST_CASE("zsh completion asks dspace for spaces, flavours, snapshots, formats and tools", "[everyday][completion][postgres]") {
    if (!dspace_test::have_program("/usr/bin/zsh")) {
        WARN("zsh is not installed (scripts/bootstrap installs it): the zsh completion is not tested");
        return;
    }
    TestHome home;
    check_completion(home, complete_zsh);
}
