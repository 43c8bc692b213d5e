// Validation of space and snapshot names.
#include <dspace/core/error.hpp>
#include <dspace/core/names.hpp>
#include <dspace/core/paths.hpp>

#include <catch2/catch.hpp>

using dspace::name_problem;

TEST_CASE("names: letters, digits, '-' and '_' are accepted", "[names]") {
    for (const char *name : {"dev", "feature-42", "a_b", "9lives", "X"}) CHECK(name_problem(name).empty());
    CHECK(name_problem(std::string(63, 'a')).empty());
    CHECK_NOTHROW(dspace::validate_name("dev", "space"));
}

TEST_CASE("names: unsafe or ambiguous names are rejected with the reason", "[names]") {
    CHECK(name_problem("") == "it is empty");
    CHECK_THAT(name_problem(std::string(64, 'a')), Catch::Contains("longer than 63"));
    CHECK_THAT(name_problem("../etc"), Catch::Contains("start with a letter or digit"));
    CHECK_THAT(name_problem("a/b"), Catch::Contains("'/'"));
    CHECK_THAT(name_problem("a..b"), Catch::Contains("'.'"));
    CHECK_THAT(name_problem(std::string("a\nb")), Catch::Contains("control character"));
    CHECK_THAT(name_problem("a b"), Catch::Contains("' '"));
    CHECK_THAT(name_problem("-x"), Catch::Contains("start with"));
    CHECK_THAT(name_problem("create"), Catch::Contains("reserved"));
}

TEST_CASE("names: validate_name throws a usage error naming what was invalid", "[names]") {
    try {
        dspace::validate_name("a/b", "snapshot");
        FAIL("validate_name accepted a/b");
    } catch (const dspace::UsageError &e) {
        CHECK_THAT(e.what(), Catch::Contains("invalid snapshot name 'a/b'"));
        CHECK(e.exit_code() == dspace::exit_usage);
        CHECK_FALSE(e.hint().empty());
    }
}

TEST_CASE("paths: every name becomes a path only through validation", "[names][paths]") {
    dspace::Paths paths("/h");
    CHECK(paths.space_dir("db") == "/h/spaces/db");
    CHECK(paths.space_snapshots_dir("db") == "/h/snapshots/db");
    CHECK(paths.plugin_cache_dir("mysql") == "/h/cache/mysql");
    CHECK(paths.plugin_cache_dir("list") == "/h/cache/list"); // plugin names are never read as verbs
    for (const char *bad : {"/tmp/d", "../x", "../../x", "a/b", ".", "..", "", ".hidden"}) {
        INFO(bad);
        CHECK_THROWS_AS(paths.space_dir(bad), dspace::UsageError);
        CHECK_THROWS_AS(paths.space_snapshots_dir(bad), dspace::UsageError);
        CHECK_THROWS_AS(paths.plugin_cache_dir(bad), dspace::UsageError);
        CHECK_THROWS_AS(dspace::Paths::child("/h/snapshots/db", bad, "snapshot"), dspace::UsageError);
    }
}
