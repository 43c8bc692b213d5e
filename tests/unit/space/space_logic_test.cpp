// Pure logic of spaces: state JSON, environment formatting, ports.
#include <dspace/core/env_format.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/ports.hpp>
#include <dspace/core/space.hpp>

#include <catch2/catch.hpp>

using namespace dspace;

TEST_CASE("space state survives a JSON round trip", "[space]") {
    SpaceState s;
    s.name = "db";
    s.flavour = "postgres";
    s.version = "15";
    s.port = 5433;
    s.listen_address = "127.0.0.1";
    s.os_user = "postgres";
    s.user = "dspace";
    s.password = "p\"w'\\d";
    s.database = "db";
    s.pid = 1234;
    s.pid_start_time = 99999999999ULL;
    s.created = "2024-01-01T00:00:00Z";
    SpaceState back = state_from_json(state_to_json(s), "space.json");
    CHECK(back.name == s.name);
    CHECK(back.port == 5433);
    CHECK(back.password == s.password);
    CHECK(back.pid == 1234);
    CHECK(back.pid_start_time == s.pid_start_time);
    CHECK(back.created == s.created);
}

TEST_CASE("damaged state files are reported with the file name", "[space]") {
    CHECK_THROWS_WITH(state_from_json("{", "/x/space.json"), Catch::Contains("/x/space.json"));
    CHECK_THROWS_WITH(state_from_json(R"({"name":"a","flavour":"postgres","version":"15","user":"u","database":"d"})", "f"),
                      Catch::Contains("port"));
}

TEST_CASE("environment formats quote values safely", "[space]") {
    sdk::Environment env{{"A", "it's $x"}, {"B", "plain"}};
    CHECK(shell_quote("it's") == "'it'\\''s'");
    CHECK(format_environment(env, EnvFormat::shell) == "export A='it'\\''s $x'\nexport B='plain'\n");
    CHECK(format_environment(env, EnvFormat::dotenv) == "A=\"it's \\$x\"\nB=\"plain\"\n");
    CHECK(format_environment(env, EnvFormat::json) == "{\"A\":\"it's $x\",\"B\":\"plain\"}\n");
    CHECK(parse_env_format("dotenv") == EnvFormat::dotenv);
    CHECK_THROWS_AS(parse_env_format("yaml"), UsageError);
}

TEST_CASE("secrets are masked raw and percent-encoded", "[space]") {
    CHECK(mask_secret("postgresql://u:s3cret@h/db", "s3cret") == "postgresql://u:***@h/db");
    CHECK(mask_secret("postgresql://u:a%2Fb@h/db", "a/b") == "postgresql://u:***@h/db");
}

TEST_CASE("a picked port is free and not among the taken ones", "[space]") {
    int port = pick_free_port("127.0.0.1", {});
    CHECK(port > 0);
    CHECK(port_available("127.0.0.1", port));
    int other = pick_free_port("127.0.0.1", {port});
    CHECK(other != port);
}

TEST_CASE("url_without_password drops the password of the authority only", "[space]") {
    using dspace::url_without_password;
    CHECK(url_without_password("postgresql://u:s3cret@127.0.0.1:5432/db") == "postgresql://u@127.0.0.1:5432/db");
    CHECK(url_without_password("mysql://u:a%40b@[::1]:3306/db?x=1") == "mysql://u@[::1]:3306/db?x=1");
    CHECK(url_without_password("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0");
    CHECK(url_without_password("postgresql://u@h/db") == "postgresql://u@h/db");
    CHECK(url_without_password("no url") == "no url");
}
