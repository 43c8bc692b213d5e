// Live source URLs.
#include "../../../core/src/import/source_url.hpp"

#include <dspace/core/error.hpp>

#include <catch2/catch.hpp>

using namespace dspace::import;

TEST_CASE("source URLs give flavour, host, port, credentials and database", "[import]") {
    auto pg = parse_source_url("postgresql://app:p%40ss%3Aword@db.example.com:6543/shop?sslmode=require");
    REQUIRE(pg);
    CHECK(pg->flavour == "postgres");
    CHECK(pg->host == "db.example.com");
    CHECK(pg->port == 6543);
    CHECK(pg->user == "app");
    CHECK(pg->password == "p@ss:word");
    CHECK(pg->database == "shop");

    auto my = parse_source_url("mariadb://root@[::1]/sales");
    REQUIRE(my);
    CHECK(my->flavour == "mysql");
    CHECK(my->host == "::1");
    CHECK(my->port == 3306);
    CHECK(my->password.empty());
    CHECK(parse_source_url("postgres://u@h/d")->port == 5432);
}

TEST_CASE("a path is not a URL; bad URLs are usage errors", "[import]") {
    CHECK_FALSE(parse_source_url("/var/backups/shop.dump"));
    CHECK_FALSE(parse_source_url("shop.sql.gz"));
    CHECK_THROWS_AS(parse_source_url("sqlite://x/y"), dspace::UsageError);
    CHECK_THROWS_WITH(parse_source_url("postgresql://u:p@host:99999/db"), Catch::Contains("bad port"));
    CHECK_THROWS_WITH(parse_source_url("mysql://u:p@host:3306"), Catch::Contains("no database"));
    CHECK_THROWS_WITH(parse_source_url("mysql://u:p@:3306/db"), Catch::Contains("no host"));
}

TEST_CASE("the URL shown in messages has no password", "[import]") {
    auto endpoint = parse_source_url("postgresql://app:hunter2@db:5432/shop");
    REQUIRE(endpoint);
    CHECK(display_url(*endpoint) == "postgresql://app@db:5432/shop");
    CHECK(display_url(*endpoint).find("hunter2") == std::string::npos);
}
