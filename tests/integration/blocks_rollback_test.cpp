// The blocks snapshotter (the default) through the real dspace program: after every in-place rollback the
// server starts without crash recovery, its consistency checks pass (pg_amcheck, CHECK TABLE) and the table
// checksums equal those taken at snapshot time. The same on a loop-mounted XFS with reflinks, where the live files
// share their extents with the block store after a snapshot.
#include "snapshot_items.hpp"
#include "support/loop_xfs.hpp"

#include <dspace/core/process.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <sys/stat.h>

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

//! Creates the postgres space and fills its tables: items (items_rows rows, name indexed) and wide (wide_rows rows).
void create_filled(const TestHome &home, const std::string &space, int items_rows, int wide_rows) {
    home.ok({"create", space, "--flavour", "postgres"});
    query(home, space, "create table items(id int primary key, name text); insert into items select g, 'n' || g from generate_series(1, " +
                           std::to_string(items_rows) + ") g; create table wide(k int primary key, v text); insert into wide select g, "
                           "repeat(md5(g::text), 20) from generate_series(1, " + std::to_string(wide_rows) + ") g; create index on items(name)");
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

//! The extent lines of `filefrag -v file`, each with its flags.
std::vector<std::string> extent_lines(const stdfs::path &file) {
    dspace::ProcessRunnerImpl runner(nullptr);
    dspace::sdk::Command command;
    command.argv = {"filefrag", "-v", file.string()};
    auto ran = runner.run(command);
    REQUIRE(ran.ok());
    INFO(ran->out << ran->err);
    REQUIRE(ran->succeeded());
    std::vector<std::string> lines;
    std::istringstream out(ran->out);
    for (std::string line; std::getline(out, line);) {
        auto colon = line.find(':');
        if (colon != std::string::npos && line.find_first_not_of(" 0123456789") == colon) lines.push_back(line);
    }
    return lines;
}

//! A TestHome on a fresh loop-mounted XFS (TMPDIR points there while it is made), or nothing with a printed reason.
struct XfsHome {
    std::optional<dspace_test::LoopXfs> xfs;
    std::optional<TestHome> home;
    XfsHome() {
        std::string why = dspace_test::LoopXfs::unavailable();
        if (!why.empty()) {
            WARN("skipped: " << why);
            return;
        }
        xfs.emplace(3ull << 30);
        ::setenv("TMPDIR", xfs->mount_point().c_str(), 1);
        home.emplace();
        ::unsetenv("TMPDIR");
    }
    ~XfsHome() {
        home.reset(); // the servers stop before the file system is unmounted
        xfs.reset();
    }
};

//! The inode of path (a swapped-in warm spare gives the data directory another).
ino_t inode_of(const stdfs::path &path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st.st_ino;
}

//! Finishes the refresh of space's warm spare for snap that the last rollback started in the background (the
//! hidden verb it runs: waits for the space's lock, nothing to do when the background one was first); returns
//! the spare's inode.
ino_t spare_ready(const TestHome &home, const std::string &space, const std::string &snap) {
    home.ok({"_spare", space, snap});
    return inode_of(home.path() / "spaces" / space / "blocks.spare" / "data");
}

//! Seconds dspace takes for args.
double timed(const TestHome &home, const std::vector<std::string> &args) {
    auto start = std::chrono::steady_clock::now();
    home.ok(args);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

TEST_CASE("blocks on XFS with reflinks: live files share the store's extents; rollback and copy --snapshot keep checksums",
          "[integration][snapshot][blocks][xfs]") {
    if (!dspace_test::have_program(pg_amcheck)) return;
    XfsHome on_xfs;
    if (!on_xfs.home) return;
    const TestHome &home = *on_xfs.home;
    create_filled(home, "b", 200000, 20000);
    std::string one = pg_checksums(home, "b");
    stdfs::path items = home.path() / "spaces" / "b" / "data" / query(home, "b", "select pg_relation_filepath('items')");
    home.ok({"snapshot", "b", "one"});
    auto extents = extent_lines(items);
    REQUIRE(!extents.empty());
    for (const auto &line : extents) CHECK_THAT(line, Contains("shared")); // cloned into the store, not copied
    query(home, "b", "update items set name = 'changed' where id % 97 = 0; delete from wide where k > 19000; create table extra(a int)");
    std::string two = pg_checksums(home, "b");
    double snapshot_two = timed(home, {"snapshot", "b", "two"});
    query(home, "b", "update items set name = 'again' where id % 89 = 0; checkpoint");
    double rollback_one = timed(home, {"rollback", "b", "--to", "one"});
    WARN("on XFS: second snapshot " << snapshot_two << " s, rollback " << rollback_one << " s");
    CHECK(pg_checksums(home, "b") == one);
    check_pg_rollback(home, "b", "two", two);
    check_pg_rollback(home, "b", "one", one);
    home.ok({"copy", "b", "c", "--snapshot", "two"}); // create from a snapshot
    CHECK(pg_checksums(home, "c") == two);
    for (const auto &line : extent_lines(home.path() / "spaces" / "c" / "data" / query(home, "c", "select pg_relation_filepath('items')")))
        CHECK_THAT(line, Contains("shared")); // materialised by cloning from the store
    CHECK(home.run({"snapshot", "verify"}).succeeded());
    home.ok({"snapshot", "rm", "b", "two"});
    CHECK(home.run({"snapshot", "verify"}).succeeded());
    check_pg_rollback(home, "b", "one", one);
    // Here the warm spare is kept by default (auto): the next rollback to "one" swaps it in.
    ino_t spare = spare_ready(home, "b", "one");
    query(home, "b", "update items set name = 'third' where id % 13 = 0");
    check_pg_rollback(home, "b", "one", one);
    CHECK(inode_of(home.path() / "spaces" / "b" / "data") == spare);
}

TEST_CASE("blocks on XFS with reflinks: MariaDB rolls back with equal checksums", "[integration][snapshot][blocks][xfs]") {
    if (!dspace_test::mariadb_installed()) {
        WARN("MariaDB is not installed (apt-get install mariadb-server): skipped");
        return;
    }
    XfsHome on_xfs;
    if (!on_xfs.home) return;
    const TestHome &home = *on_xfs.home;
    auto sql = dspace_test::mysql_sql();
    home.ok({"create", "m", "--flavour", "mysql"});
    query(home, sql, "m", "create table items(id int primary key, name text, key(name(10))) engine=InnoDB; "
                          "insert into items select seq, concat('n', seq) from seq_1_to_50000");
    auto checksum = [&] { return query(home, sql, "m", "checksum table items"); };
    std::string one = checksum();
    home.ok({"snapshot", "m", "one"});
    query(home, sql, "m", "update items set name = 'changed' where id % 3 = 0; delete from items where id > 40000");
    home.ok({"snapshot", "m", "two"});
    query(home, sql, "m", "optimize table items");
    home.ok({"rollback", "m", "--to", "one"});
    CHECK(checksum() == one);
    CHECK_THAT(query(home, sql, "m", "check table items extended"), Contains("OK"));
    home.ok({"copy", "m", "n", "--snapshot", "one"});
    CHECK(checksum() == one);
    CHECK(query(home, sql, "n", "checksum table items") == one);
}

TEST_CASE("blocks rollback in place: no crash recovery, pg_amcheck passes, checksums equal", "[integration][snapshot][blocks]") {
    if (!dspace_test::have_program(pg_amcheck)) return;
    TestHome home;
    create_filled(home, "b", 20000, 5000);
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

TEST_CASE("blocks warm spare: a repeated rollback swaps in the spare; no crash recovery, pg_amcheck passes, checksums equal",
          "[integration][snapshot][blocks]") {
    if (!dspace_test::have_program(pg_amcheck)) return;
    TestHome home;
    home.ok({"config", "set", "snapshotters.blocks.warm_spare", "on"}); // also where the file system cannot share blocks
    create_filled(home, "b", 20000, 5000);
    std::string one = pg_checksums(home, "b");
    home.ok({"snapshot", "b", "one"});
    stdfs::path data = home.path() / "spaces" / "b" / "data";
    query(home, "b", "update items set name = 'changed' where id % 7 = 0; create table extra(a int)");
    check_pg_rollback(home, "b", "one", one); // in place: there is no spare yet
    for (int round = 0; round < 3; ++round) {
        INFO("round " << round);
        ino_t spare = spare_ready(home, "b", "one");
        query(home, "b", "update items set name = 'again' where id % 5 = " + std::to_string(round) + "; truncate wide; checkpoint");
        check_pg_rollback(home, "b", "one", one);
        CHECK(inode_of(data) == spare);
    }
    home.ok({"snapshot", "b", "two"}); // of the swapped-in data
    query(home, "b", "delete from items where id > 100");
    check_pg_rollback(home, "b", "two", one);
    home.ok({"config", "set", "snapshotters.blocks.warm_spare", "off"});
    home.ok({"_spare", "b", "two"});
    CHECK_FALSE(stdfs::exists(home.path() / "spaces" / "b" / "blocks.spare"));
    home.ok({"config", "set", "snapshotters.blocks.warm_spare", "sometimes"});
    auto warned = home.run({"rollback", "b", "--to", "one"}); // a bad setting is said, and changes nothing else
    CHECK(warned.succeeded());
    CHECK_THAT(warned.err, Contains("snapshotters.blocks.warm_spare is 'sometimes'; it must be auto, on or off"));
    CHECK(pg_checksums(home, "b") == one);
    CHECK(home.run({"snapshot", "verify"}).succeeded());
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
    home.ok({"config", "set", "snapshotters.blocks.warm_spare", "on"});
    for (int round = 0; round < 3; ++round) {
        INFO("round " << round);
        ino_t spare = round == 0 ? 0 : spare_ready(home, "m", "one"); // from the second on, from the warm spare
        home.ok({"rollback", "m", "--to", "one"});
        if (round > 0) CHECK(inode_of(home.path() / "spaces" / "m" / "data") == spare);
        CHECK(checksum() == one);
        std::string checked = query(home, sql, "m", "check table items extended");
        CHECK_THAT(checked, Contains("OK"));
        CHECK_THAT(checked, !Contains("error") && !Contains("corrupt"));
        query(home, sql, "m", "update items set name = 'again' where id % 4 = " + std::to_string(round));
    }
}
