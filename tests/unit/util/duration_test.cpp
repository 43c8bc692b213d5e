// Durations as users type them.
#include <dspace/core/duration.hpp>
#include <dspace/core/error.hpp>

#include <catch2/catch.hpp>

using dspace::parse_duration;

TEST_CASE("durations take s, m, h and d, alone or combined") {
    CHECK(parse_duration("90s").count() == 90);
    CHECK(parse_duration("15m").count() == 900);
    CHECK(parse_duration("2h").count() == 7200);
    CHECK(parse_duration("7d").count() == 604800);
    CHECK(parse_duration("1h30m").count() == 5400);
}

TEST_CASE("a text that is no duration is a usage error naming it") {
    for (const char *bad : {"", "5", "m", "5x", "1h30", "-3s", "99999999999s"})
        CHECK_THROWS_AS(parse_duration(bad), dspace::UsageError);
    CHECK_THROWS_WITH(parse_duration("soon"), Catch::Matchers::Contains("'soon' is not a duration"));
}
