// The pure logic of expiry (durations, times) and server settings (parsing, merging, checks).
#include <dspace/core/error.hpp>
#include <dspace/core/expiry.hpp>
#include <dspace/core/server_settings.hpp>

#include <catch2/catch.hpp>

using namespace dspace;

TEST_CASE("durations are read in s, m, h and d, and written back in the shortest form", "[expiry]") {
    CHECK(parse_duration("3s", "--ttl") == 3);
    CHECK(parse_duration("90", "--ttl") == 90);
    CHECK(parse_duration("10m", "--ttl") == 600);
    CHECK(parse_duration("1h30m", "--ttl") == 5400);
    CHECK(parse_duration("7d", "--ttl") == 7 * 86400);
    for (const char *bad : {"", "0s", "soon", "5x", "m", "-3s", "1.5h"}) CHECK_THROWS_AS(parse_duration(bad, "--ttl"), UsageError);
    CHECK(format_duration(5400) == "1h30m");
    CHECK(format_duration(3) == "3s");
    CHECK(format_duration(86400 + 1) == "1d1s");
}

TEST_CASE("expiry times are ISO-8601 UTC and compare with now", "[expiry]") {
    std::string later = utc_after(3600);
    CHECK(later.size() == 20);
    CHECK(later.back() == 'Z');
    CHECK(seconds_until(later) > 3590);
    CHECK(seconds_until(later) <= 3600);
    CHECK(seconds_until("2000-01-01T00:00:00Z") < 0);
    SpaceState state;
    CHECK_FALSE(has_expiry(state));
    state.idle_stop_seconds = 60;
    CHECK(has_expiry(state));
}

TEST_CASE("settings are KEY=VALUE, later ones win, and unset removes them", "[settings]") {
    ServerSettings parsed = parse_settings({"work_mem=8MB", "search_path=a,b", "work_mem=16MB", "empty="});
    REQUIRE(parsed.size() == 3);
    CHECK(parsed[0] == std::pair<std::string, std::string>{"work_mem", "16MB"});
    CHECK(parsed[1].second == "a,b");
    CHECK(parsed[2].second.empty());
    CHECK_THROWS_AS(parse_settings({"work_mem"}), UsageError);
    CHECK_THROWS_AS(parse_settings({"bad key=1"}), UsageError);
    CHECK_THROWS_AS(parse_settings({"k=line\nbreak"}), UsageError);

    ServerSettings merged = merge_settings({{"a", "1"}, {"b", "2"}}, {{"b", "3"}, {"c", "4"}}, {"a"});
    CHECK(merged == ServerSettings{{"b", "3"}, {"c", "4"}});
}

TEST_CASE("settings dspace manages, or of a flavour it cannot configure, are refused", "[settings]") {
    CHECK_NOTHROW(check_settings("postgres", {{"work_mem", "8MB"}}));
    CHECK_THROWS_AS(check_settings("postgres", {{"port", "5432"}}), UsageError);
    CHECK_THROWS_AS(check_settings("mysql", {{"datadir", "/tmp"}}), UsageError);
    CHECK_THROWS_AS(check_settings("oracle", {{"x", "1"}}), UsageError);
    CHECK_NOTHROW(check_settings("oracle", {}));
}

TEST_CASE("settings and expiry survive space.json; older files without them still load", "[settings][expiry]") {
    SpaceState s;
    s.name = "db";
    s.flavour = "postgres";
    s.version = "15";
    s.port = 5433;
    s.user = "dspace";
    s.database = "db";
    s.settings = {{"work_mem", "8MB"}, {"application_name", "it's \"x\""}};
    s.expires = "2030-01-01T00:00:00Z";
    s.idle_stop_seconds = 600;
    SpaceState back = state_from_json(state_to_json(s), "space.json");
    CHECK(back.settings == s.settings);
    CHECK(back.expires == s.expires);
    CHECK(back.idle_stop_seconds == 600);

    SpaceState old = state_from_json(R"({"name":"db","flavour":"postgres","version":"15","port":5433,"user":"u","database":"d"})",
                                     "space.json");
    CHECK(old.settings.empty());
    CHECK(old.expires.empty());
    CHECK(old.idle_stop_seconds == 0);
    CHECK_THROWS_AS(state_from_json(R"({"name":"db","flavour":"postgres","version":"15","port":5433,"user":"u","database":"d",)"
                                    R"("settings":[1]})",
                                    "space.json"),
                    Error);
}
