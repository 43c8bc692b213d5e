// Which inherited variables programs dspace starts never see (is_connection_variable), and that they indeed don't.
#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace dspace;

TEST_CASE("connection variables of both clients are recognised, others are not", "[process]") {
    for (const char *name : {"PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSERVICE", "MYSQL_HOST", "MYSQL_TCP_PORT",
                             "MYSQL_PWD", "MYSQL_HOME", "MYSQL_UNIX_PORT"})
        CHECK(is_connection_variable(name));
    for (const char *name : {"PATH", "HOME", "LANG", "PGDATA", "PGAPPNAME", "DATABASE_URL", "MYSQL_DATABASE", "PGHOSTX", "pghost"})
        CHECK_FALSE(is_connection_variable(name));
}

TEST_CASE("a started program does not inherit the caller's connection variables but gets the command's own", "[process]") {
    ::setenv("PGHOST", "elsewhere", 1);
    ::setenv("MYSQL_PWD", "callers-secret", 1);
    ::setenv("DSPACE_UNIT_KEPT", "kept", 1);
    ProcessRunnerImpl runner(nullptr);
    sdk::Command command;
    command.argv = {"/usr/bin/env"};
    command.env = {{"PGPORT", "5999"}};
    auto ran = runner.run(command);
    ::unsetenv("PGHOST");
    ::unsetenv("MYSQL_PWD");
    ::unsetenv("DSPACE_UNIT_KEPT");
    REQUIRE(ran);
    REQUIRE(ran->succeeded());
    CHECK(ran->out.find("PGHOST=") == std::string::npos);
    CHECK(ran->out.find("MYSQL_PWD=") == std::string::npos);
    CHECK(ran->out.find("PGPORT=5999\n") != std::string::npos);
    CHECK(ran->out.find("DSPACE_UNIT_KEPT=kept\n") != std::string::npos);
}
