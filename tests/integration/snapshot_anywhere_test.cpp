// Self-contained snapshots: they restore into any space of their flavour and version, whatever space they
// came from and whether it still exists, and the restored data answers to the target space's own password.
#include "snapshot_items.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace snapshot_test;
using Catch::Matchers::Contains;

namespace {

//! What sql returns in space over TCP with the space's own user and password (as `dspace env` gives them),
//! so a wrong password fails; FAILs the test when the client fails.
std::string tcp_query(const TestHome &home, const FlavourSql &sql, const std::string &space, const std::string &statement) {
    std::string client = sql.flavour == "mysql"
                             ? "mariadb --protocol=TCP -h \"$MYSQL_HOST\" -P \"$MYSQL_TCP_PORT\" -u \"$MYSQL_USER\" -N -e \"$1\" \"$MYSQL_DATABASE\""
                             : "psql -h 127.0.0.1 -At -c \"$1\"";
    return home.ok({"exec", space, "--", "sh", "-c", client, "tcp_query", statement});
}

//! The password recorded in space's state file.
std::string password_of(const TestHome &home, const std::string &space) {
    std::ifstream in(home.path() / "spaces" / space / "space.json");
    std::stringstream text;
    text << in.rdbuf();
    std::string json = text.str();
    auto at = json.find("\"password\": \"");
    REQUIRE(at != std::string::npos);
    at += 13;
    return json.substr(at, json.find('"', at) - at);
}

} // namespace

TEST_CASE("a snapshot copied to another space rolls it back and that space keeps its own password", "[integration][snapshot][anywhere]") {
    for (const auto &sql : installed_flavours()) {
        INFO("flavour " << sql.flavour);
        TestHome home;
        std::string before = create_with_items(home, sql, "source");
        home.ok({"create", "other", "--flavour", sql.flavour});
        std::string other_password = password_of(home, "other");
        REQUIRE(other_password != password_of(home, "source"));

        home.ok({"snapshot", "source", "s1"});
        home.ok({"snapshot", "cp", "source", "s1", "given", "--to-space", "other"});
        home.ok({"rollback", "other", "--to", "given"});

        CHECK(password_of(home, "other") == other_password);
        CHECK(tcp_query(home, sql, "other", "select count(*) from items") == "200\n");
        CHECK(items_state(home, sql, "other") == before);
        // The source space is untouched and still answers to its own password.
        CHECK(tcp_query(home, sql, "source", "select count(*) from items") == "200\n");
    }
}

TEST_CASE("a snapshot of a removed space creates a working space and is pruned as an orphan", "[integration][snapshot][anywhere]") {
    for (const auto &sql : installed_flavours()) {
        INFO("flavour " << sql.flavour);
        TestHome home;
        std::string before = create_with_items(home, sql, "gone");
        home.ok({"snapshot", "gone", "kept"});
        std::string old_password = password_of(home, "gone");
        home.ok({"rm", "gone"});

        CHECK_THAT(home.ok({"snapshot", "ls", "--orphans"}), Contains("gone (removed)"));
        CHECK_THAT(home.ok({"snapshot", "ls", "--json"}), Contains("\"orphan\": true"));

        home.ok({"create", "revived", "--from-snapshot", "gone/kept"});
        CHECK(password_of(home, "revived") != old_password);
        CHECK(tcp_query(home, sql, "revived", "select count(*) from items") == "200\n");
        CHECK(items_state(home, sql, "revived") == before);

        // A later space of the removed one's name restores the old snapshot too, with its own credentials.
        home.ok({"create", "gone", "--flavour", sql.flavour});
        home.ok({"rollback", "gone", "--to", "kept"});
        CHECK(tcp_query(home, sql, "gone", "select count(*) from items") == "200\n");
        home.ok({"rm", "gone", "--purge"});

        CHECK_THAT(home.ok({"snapshot", "prune", "--orphans"}), Contains("0 snapshot(s) removed"));
        home.ok({"snapshot", "revived", "r1"});
        home.ok({"snapshot", "cp", "revived", "r1", "orphaned", "--to-space", "nobody"});
        CHECK_THAT(home.ok({"snapshot", "prune", "--orphans"}), Contains("removed snapshot nobody/orphaned"));
        CHECK_THAT(home.ok({"snapshot", "ls", "--orphans", "--json"}), !Contains("orphaned"));
    }
}

TEST_CASE("copies get their own password", "[integration][snapshot][anywhere]") {
    for (const auto &sql : installed_flavours()) {
        INFO("flavour " << sql.flavour);
        TestHome home;
        create_with_items(home, sql, "orig");
        home.ok({"copy", "orig", "twin"});
        CHECK(password_of(home, "twin") != password_of(home, "orig"));
        CHECK(tcp_query(home, sql, "twin", "select count(*) from items") == "200\n");
        CHECK(tcp_query(home, sql, "orig", "select count(*) from items") == "200\n");
    }
}

TEST_CASE("snapshot cp to a space of another flavour is refused and prune needs a criterion", "[integration][snapshot][anywhere]") {
    if (!dspace_test::mariadb_installed()) return;
    TestHome home;
    home.ok({"create", "pg", "--flavour", "postgres"});
    home.ok({"create", "maria", "--flavour", "mysql"});
    home.ok({"snapshot", "pg", "s"});
    auto refused = home.run({"snapshot", "cp", "pg", "s", "s", "--to-space", "maria"});
    CHECK(refused.exit_code == 1);
    CHECK_THAT(refused.err, Contains("postgres") && Contains("cannot run"));
    CHECK_THAT(home.ok({"snapshot", "ls", "maria", "--json"}), !Contains("\"name\""));

    auto usage = home.run({"snapshot", "prune"});
    CHECK(usage.exit_code == 2);
    CHECK_THAT(usage.err, Contains("--orphans"));
    CHECK_THAT(home.ok({"snapshot", "prune", "--older-than", "1h"}), Contains("0 snapshot(s) removed"));
    CHECK(home.run({"snapshot", "prune", "--older-than", "soon"}).exit_code == 2);
}
