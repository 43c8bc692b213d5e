// A space's password can be given without putting it on dspace's command line (where `ps` shows it).
#include "support.hpp"

#include <dspace/core/fs.hpp>
#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>

using dspace_test::TestHome;

TEST_CASE("create takes the password from stdin or DSPACE_PASSWORD", "[integration][secrets]") {
    TestHome home;
    auto input = home.path() / "password.txt";
    dspace::fs::write_file_atomic(input, "fromStdin42\nignored\n", 0600);
    dspace::ProcessRunnerImpl runner(nullptr);
    dspace::sdk::Command create;
    create.argv = {DSPACE_TEST_BINARY, "create", "a", "--flavour", "postgres", "--password-stdin"};
    create.stdin_file = input.string();
    auto ran = runner.run(create);
    REQUIRE(ran.ok());
    INFO(ran->err);
    REQUIRE(ran->succeeded());
    CHECK_THAT(home.ok({"env", "a"}), Catch::Contains("PGPASSWORD='fromStdin42'"));
    CHECK(dspace_test::query(home, "a", "select 1") == "1");

    auto from_env = dspace_test::run_dspace({"create", "b", "--flavour", "postgres"}, 180, {{"DSPACE_PASSWORD", "fromEnv42"}});
    REQUIRE(from_env.succeeded());
    CHECK_THAT(home.ok({"env", "b"}), Catch::Contains("PGPASSWORD='fromEnv42'"));

    create.argv = {DSPACE_TEST_BINARY, "create", "c", "--flavour", "postgres", "--password-stdin"};
    create.stdin_file = "/dev/null";
    auto empty = runner.run(create);
    REQUIRE(empty.ok());
    CHECK(empty->exit_code == 2);
    CHECK_THAT(empty->err, Catch::Contains("--password-stdin found no password"));
}
