// The blocks snapshotter (the default) through the real dspace program: after every in-place rollback the
// server starts without crash recovery, its consistency checks pass (pg_amcheck, CHECK TABLE) and the table
// checksums equal those taken at snapshot time.
#include "snapshot_items.hpp"

#include <dspace/core/process.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace snapshot_test;
using dspace_test::query;
using Catch::Matchers::Contains;
namespace stdfs = std::filesystem;

namespace {

constexpr const char *pg_amcheck = "/usr/lib/postgresql/15/bin/pg_amcheck";

//! The variables `dspace env space` prints (export K='V' lines).
std::vector<std::pair<std::string, std::string>> space_env(const TestHome &home, const std::string &space) {
    std::vector<std::pair<std::string, std::string>> env;
    std::istringstream lines(home.ok({"env", space}));
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("export ", 0) != 0) continue;
        auto eq = line.find('=');
        std::string value = line.substr(eq + 1);
        if (value.size() >= 2 && value.front() == '\'') value = value.substr(1, value.size() - 2);
        env.emplace_back(line.substr(7, eq - 7), value);
    }
    return env;
}

//! The server log's text from offset on.
std::string log_since(const TestHome &home, const std::string &space, std::uintmax_t offset) {
    std::ifstream in(home.path() / "spaces" / space / "logs" / "server.log", std::ios::binary);
    in.seekg(std::streamoff(offset));
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::uintmax_t log_size(const TestHome &home, const std::string &space) {
    return stdfs::file_size(home.path() / "spaces" / space / "logs" / "server.log");
}

//! A checksum of every table the tests fill (postgres).
std::string pg_checksums(const TestHome &home, const std::string &space) {
    return query(home, space, "select md5(string_agg(t::text, ',' order by id)) from items t") + "/" +
           query(home, space, "select md5(string_agg(t::text, ',' order by k)) from wide t");
}

//! Rolls space back to snap and checks: no crash recovery in the server log, pg_amcheck passes, checksums equal.
void check_pg_rollback(const TestHome &home, const std::string &space, const std::string &snap, const std::string &expected) {
    INFO("rollback to " << snap);
    auto offset = log_size(home, space);
    home.ok({"rollback", space, "--to", snap});
    std::string log = log_since(home, space, offset);
    CHECK_THAT(log, Contains("database system was shut down at"));
    CHECK_THAT(log, !Contains("redo starts") && !Contains("was interrupted") && !Contains("not properly shut down"));
    CHECK(pg_checksums(home, space) == expected);
    dspace::ProcessRunnerImpl runner(nullptr);
    dspace::sdk::Command check;
    check.argv = {pg_amcheck, "--install-missing", "--heapallindexed", "--rootdescend"};
    check.env = space_env(home, space);
    auto ran = runner.run(check);
    REQUIRE(ran.ok());
    INFO(ran->out << ran->err);
    CHECK(ran->succeeded());
}

} // namespace

TEST_CASE("blocks rollback in place: no crash recovery, pg_amcheck passes, checksums equal", "[integration][snapshot][blocks]") {
    if (!dspace_test::have_program(pg_amcheck)) return;
    TestHome home;
    home.ok({"create", "b", "--flavour", "postgres"});
    query(home, "b", "create table items(id int primary key, name text); insert into items select g, 'n' || g from generate_series(1, 20000) g;"
                     "create table wide(k int primary key, v text); insert into wide select g, repeat(md5(g::text), 20) from generate_series(1, 5000) g;"
                     "create index on items(name)");
    std::string one = pg_checksums(home, "b");
    home.ok({"snapshot", "b", "one"});
    CHECK_THAT(home.ok({"snapshot", "ls", "b"}), Contains("blocks"));
    query(home, "b", "update items set name = 'changed' where id % 7 = 0; delete from wide where k > 4000; insert into items select g, 'x' "
                     "from generate_series(20001, 30000) g; create table extra(a int); insert into extra values (1)");
    std::string two = pg_checksums(home, "b");
    home.ok({"snapshot", "b", "two"});
    query(home, "b", "vacuum full items");
    query(home, "b", "drop table extra; truncate wide");
    check_pg_rollback(home, "b", "one", one);
    check_pg_rollback(home, "b", "one", one); // again: nothing changed since, nothing is rewritten
    query(home, "b", "update items set name = 'again'");
    check_pg_rollback(home, "b", "two", two);
    check_pg_rollback(home, "b", "one", one);
    CHECK(home.run({"snapshot", "verify"}).succeeded());

    std::string listed = home.ok({"snapshot", "ls", "b", "--json"});
    CHECK_THAT(listed, Contains("\"own_bytes\"") && Contains("\"shared_bytes\""));
    home.ok({"snapshot", "rm", "b", "two"}); // collects the blocks only "two" used
    CHECK_THAT(home.ok({"snapshot", "gc"}), Contains("freed 0 bytes"));
    CHECK(home.run({"snapshot", "verify"}).succeeded());
    check_pg_rollback(home, "b", "one", one);
}

TEST_CASE("blocks rollback in place: MariaDB's CHECK TABLE passes and checksums equal", "[integration][snapshot][blocks]") {
    if (!dspace_test::mariadb_installed()) {
        WARN("MariaDB is not installed (apt-get install mariadb-server): skipped");
        return;
    }
    auto sql = dspace_test::mysql_sql();
    TestHome home;
    home.ok({"create", "m", "--flavour", "mysql"});
    query(home, sql, "m", "create table items(id int primary key, name text, key(name(10))) engine=InnoDB; "
                          "insert into items select seq, concat('n', seq) from seq_1_to_20000");
    auto checksum = [&] { return query(home, sql, "m", "checksum table items"); };
    std::string one = checksum();
    home.ok({"snapshot", "m", "one"});
    query(home, sql, "m", "update items set name = 'changed' where id % 3 = 0; delete from items where id > 15000; optimize table items");
    REQUIRE(checksum() != one);
    for (int round = 0; round < 2; ++round) {
        home.ok({"rollback", "m", "--to", "one"});
        CHECK(checksum() == one);
        std::string checked = query(home, sql, "m", "check table items extended");
        CHECK_THAT(checked, Contains("OK"));
        CHECK_THAT(checked, !Contains("error") && !Contains("corrupt"));
    }
}
