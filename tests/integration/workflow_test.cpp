// The project workflow against real PostgreSQL: dspace.json, up (idempotent, _init, newer migrations on top of
// _init), --clean, --load, seed, dump, load, reset, down, a failing seed command and a malformed project file.
// MariaDB: up (migrate, seed, _init) and a newer migration on top of _init; the other verbs share its paths.
#include "support.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using dspace_test::RunResult;
using dspace_test::TestHome;
namespace stdfs = std::filesystem;

namespace {

//! Runs dspace from inside dir (the project), as a user would.
class InProject {
public:
    explicit InProject(const stdfs::path &dir) : before_(stdfs::current_path()) { stdfs::current_path(dir); }
    ~InProject() { stdfs::current_path(before_); }
    InProject(const InProject &) = delete;
    InProject &operator=(const InProject &) = delete;

private:
    stdfs::path before_;
};

//! Writes text to dir/name.
void write(const stdfs::path &dir, const std::string &name, const std::string &text) {
    stdfs::create_directories(dir);
    std::ofstream(dir / name) << text;
}

//! A sample project: space wfshop of flavour, flyway migrations in db/migrations (V1 creates items), seed commands seed.
void write_project(const stdfs::path &dir, const std::string &seed, const std::string &flavour = "postgres") {
    write(dir / "db/migrations", "V1__items.sql", "create table items (id int primary key, name text not null);\n");
    write(dir, "dspace.json",
          R"J({
  "space": "wfshop",
  "flavour": ")J" + flavour + R"J(",
  "initial_database": "shop",
  "migrations": {"tool": "flyway", "folder": "db/migrations"},
  "seed": )J" + seed + R"J(
})J");
}

std::string items(const TestHome &home) { return dspace_test::query(home, "wfshop", "select id, name from items order by id"); }

std::string table_count(const TestHome &home) {
    return dspace_test::query(home, "wfshop", "select count(*) from pg_tables where schemaname = 'public'");
}

} // namespace

TEST_CASE("up on a fresh home migrates, seeds and saves _init; a second up is a no-op; newer migrations go on top of _init",
          "[workflow]") {
    TestHome home;
    dspace_test::TempDir project("dspace-project-");
    write_project(project.path(), R"J([["psql", "-c", "insert into items values (1, 'lamp')"]])J");
    InProject here(project.path());

    std::string out = home.ok({"up"});
    CHECK_THAT(out, Catch::Contains("created space wfshop"));
    CHECK_THAT(out, Catch::Contains("migrated with flyway"));
    CHECK_THAT(out, Catch::Contains("seed: psql -c"));
    CHECK_THAT(out, Catch::Contains("saved backup _init"));
    CHECK(items(home) == "1|lamp");
    CHECK(stdfs::exists(project.path() / ".dspace/backups/_init/backup.json"));

    std::string server_pid = dspace_test::status_field(home, "wfshop", "pid");
    out = home.ok({"up"});
    INFO(out);
    CHECK(dspace_test::status_field(home, "wfshop", "pid") == server_pid); // the server was left running as it was
    CHECK_THAT(out, Catch::Contains("nothing loaded or seeded"));
    CHECK_THAT(out, Catch::Contains("nothing pending"));
    CHECK_THAT(out, !Catch::Contains("seed:"));

    // A new migration: a clean up loads _init (head 1) and applies only V2, without reseeding.
    write(project.path() / "db/migrations", "V2__price.sql", "alter table items add column price int not null default 7;\n");
    out = home.ok({"up", "--clean"});
    CHECK_THAT(out, Catch::Contains("removed space wfshop"));
    CHECK_THAT(out, Catch::Contains("loaded backup _init (saved at migration head 1)"));
    CHECK_THAT(out, Catch::Contains("1 -> 2"));
    CHECK_THAT(out, !Catch::Contains("seed:"));
    CHECK(dspace_test::query(home, "wfshop", "select id, name, price from items") == "1|lamp|7");

    // dump / load: a name is not overwritten without --force; load replaces the data.
    home.ok({"dump", "--name", "one-lamp"});
    RunResult again = home.run({"dump", "--name", "one-lamp"});
    CHECK(again.exit_code == 1);
    CHECK_THAT(again.err, Catch::Contains("already exists"));
    dspace_test::query(home, "wfshop", "insert into items values (2, 'desk')");
    home.ok({"dump", "--name", "one-lamp-and-desk"});
    out = home.ok({"load", "--name", "one-lamp"});
    CHECK_THAT(out, Catch::Contains("loaded backup one-lamp (saved at migration head 2)"));
    CHECK(items(home) == "1|lamp");
    out = home.ok({"up", "--load", "one-lamp-and-desk"});
    CHECK(items(home) == "1|lamp\n2|desk");
    CHECK(home.run({"load", "--name", "nosuch"}).exit_code == 1);
    // A damaged dump is refused before the data is touched.
    stdfs::path backups = project.path() / ".dspace/backups";
    stdfs::copy(backups / "one-lamp", backups / "broken");
    std::ofstream(backups / "broken/data.dump", std::ios::trunc) << "not a dump\n";
    RunResult broken = home.run({"load", "--name", "broken"});
    CHECK(broken.exit_code == 1);
    CHECK_THAT(broken.out, !Catch::Contains("emptied"));
    CHECK(items(home) == "1|lamp\n2|desk");

    // reset: refused without a terminal unless --yes; --snapshot keeps a copy; snapshots survive.
    RunResult refused = home.run({"reset"});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("--yes"));
    CHECK(items(home) == "1|lamp\n2|desk");
    home.ok({"reset", "--yes", "--snapshot", "before-reset"});
    CHECK(table_count(home) == "0");
    CHECK_THAT(home.ok({"snapshot", "ls", "wfshop"}), Catch::Contains("before-reset"));

    // seed: empty, migrate, seed, save _init again (now at head 2).
    out = home.ok({"seed"});
    CHECK_THAT(out, Catch::Contains("seed: psql"));
    CHECK(dspace_test::query(home, "wfshop", "select id, name, price from items") == "1|lamp|7");
    std::ifstream info(project.path() / ".dspace/backups/_init/backup.json");
    std::string json((std::istreambuf_iterator<char>(info)), std::istreambuf_iterator<char>());
    CHECK_THAT(json, Catch::Contains("\"migration_head\": \"2\""));

    // down keeps the data; up starts it again.
    home.ok({"down"});
    CHECK(dspace_test::status_field(home, "wfshop", "status") == "stopped");
    out = home.ok({"up"});
    CHECK_THAT(out, Catch::Contains("started space wfshop"));
    CHECK(items(home) == "1|lamp");
}

TEST_CASE("up stops at a failing seed command, reports it and its exit status, and saves no _init", "[workflow]") {
    TestHome home;
    dspace_test::TempDir project("dspace-project-");
    write_project(project.path(), R"J([["psql", "-v", "ON_ERROR_STOP=1", "-c", "insert into nosuch values (1)"],
                                      ["psql", "-c", "insert into items values (1, 'never')"]])J");
    InProject here(project.path());
    RunResult r = home.run({"up"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("seed command `psql -v ON_ERROR_STOP=1 -c 'insert into nosuch values (1)'` failed with exit status"));
    CHECK_THAT(r.err, Catch::Contains("nosuch"));
    CHECK_FALSE(stdfs::exists(project.path() / ".dspace/backups/_init"));
    CHECK(items(home).empty()); // the second command never ran
}

TEST_CASE("a malformed or invalid dspace.json is reported with file, line and column, or the key", "[workflow]") {
    TestHome home;
    dspace_test::TempDir project("dspace-project-");
    stdfs::create_directories(project.path() / "sub");
    InProject here(project.path() / "sub"); // found by walking up
    write(project.path(), "dspace.json", "{\n  \"space\": \"wfshop\",\n  \"flavour\" \"postgres\"\n}\n");
    RunResult r = home.run({"up"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains((project.path() / "dspace.json").string() + ":3:13: not valid JSON"));
    write(project.path(), "dspace.json", R"J({"space": "wfshop", "seeds": []})J");
    r = home.run({"up"});
    CHECK_THAT(r.err, Catch::Contains("unknown key 'seeds'") && Catch::Contains("did you mean 'seed'"));
    CHECK(home.run({"list", "--json"}).out.find("wfshop") == std::string::npos);
}

TEST_CASE("init writes a dspace.json without asking when not on a terminal; outside a project verbs need a name", "[workflow]") {
    TestHome home;
    dspace_test::TempDir project("dspace-project-");
    stdfs::create_directories(project.path() / "My Shop");
    InProject here(project.path() / "My Shop");
    CHECK(home.run({"down"}).exit_code == 2);
    home.ok({"init", "--migrations-tool", "flyway", "--migrations-folder", "db"});
    std::ifstream in(project.path() / "My Shop/dspace.json");
    std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK_THAT(json, Catch::Contains("\"space\": \"my-shop\"") && Catch::Contains("\"folder\": \"db\""));
    CHECK(home.run({"init"}).exit_code == 1); // exists
    CHECK(home.run({"down", "other"}).exit_code == 2); // a project of another space
}

TEST_CASE("up on MariaDB: migrate, seed and _init, then a newer migration on top of _init", "[workflow][mysql]") {
    if (!dspace_test::mariadb_installed()) {
        WARN("skipped: MariaDB is not installed");
        return;
    }
    TestHome home;
    dspace_test::TempDir project("dspace-project-");
    write_project(project.path(), R"J([["mariadb", "-u", "dspace", "shop", "-e", "insert into items values (1, 'lamp')"]])J", "mysql");
    InProject here(project.path());
    std::string out = home.ok({"up"});
    CHECK_THAT(out, Catch::Contains("saved backup _init"));
    CHECK(dspace_test::query(home, dspace_test::mysql_sql(), "wfshop", "select id, name from items") == "1\tlamp\n");
    write(project.path() / "db/migrations", "V2__price.sql", "alter table items add column price int not null default 7;\n");
    out = home.ok({"up", "--clean"});
    CHECK_THAT(out, Catch::Contains("loaded backup _init (saved at migration head 1)"));
    CHECK_THAT(out, Catch::Contains("1 -> 2"));
    CHECK_THAT(out, !Catch::Contains("seed:"));
    CHECK(dspace_test::query(home, dspace_test::mysql_sql(), "wfshop", "select id, name, price from items") == "1\tlamp\t7\n");
}
