// `dspace migrate` against real PostgreSQL and MariaDB spaces with the real tools: flyway's built-in engine,
// alembic (an unmodified env.py from `alembic init`), liquibase (XML changelog), and a third-party migrator
// built for SDK 1.0. Failures must leave schema and rows exactly as before.
#include "snapshot_items.hpp"
#include "support.hpp"
#include "support/temp_dir.hpp"

#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <thread>
#include <filesystem>
#include <fstream>

using dspace_test::FlavourSql;
using dspace_test::RunResult;
using dspace_test::TestHome;
namespace stdfs = std::filesystem;

namespace {

//! The user tables with their column counts, and the rows of items: what a failed migration must leave as it was.
std::string schema_and_rows(const TestHome &home, const FlavourSql &sql, const std::string &space) {
    return dspace_test::query(home, sql, space,
                              "select table_name, count(*) from information_schema.columns where table_schema not in "
                              "('information_schema', 'pg_catalog', 'mysql', 'performance_schema', 'sys') "
                              "group by table_name order by table_name") +
           dspace_test::query(home, sql, space, "select id, name from items order by id");
}

//! True when space has a table called name.
bool has_table(const TestHome &home, const FlavourSql &sql, const std::string &space, const std::string &name) {
    return dspace_test::query(home, sql, space, "select count(*) from information_schema.tables where table_name = '" + name + "'") != "0\n";
}

//! Writes text to dir/name.
void write(const stdfs::path &dir, const std::string &name, const std::string &text) {
    stdfs::create_directories(dir);
    std::ofstream(dir / name) << text;
}

//! `dspace migrate --status --json`, parsed; FAILs the test when it fails.
rapidjson::Document status_json(const TestHome &home, std::vector<std::string> args) {
    args.insert(args.begin(), "migrate");
    args.insert(args.end(), {"--status", "--json"});
    rapidjson::Document doc;
    doc.Parse(home.ok(args).c_str());
    REQUIRE(doc.IsObject());
    REQUIRE(doc.HasMember("tool"));
    REQUIRE(doc.HasMember("head"));
    REQUIRE(doc["applied"].IsArray());
    REQUIRE(doc["pending"].IsArray());
    return doc;
}

//! The migration head `snapshot ls --json` gives snapshot snap of space.
std::string snapshot_head(const TestHome &home, const std::string &space, const std::string &snap) {
    rapidjson::Document doc;
    doc.Parse(home.ok({"snapshot", "ls", space, "--json"}).c_str());
    REQUIRE(doc.IsArray());
    for (const auto &m : doc.GetArray())
        if (snap == m["name"].GetString()) return m["migration_head"].GetString();
    FAIL("no snapshot " << snap);
    return {};
}

//! The pre-migrate snapshot a migrate printed ("snapshot pre-migrate-… taken").
std::string taken_snapshot(const std::string &out) {
    auto at = out.find("pre-migrate-");
    REQUIRE(at != std::string::npos);
    return out.substr(at, out.find_first_of(" \n", at) - at);
}

//! args with option added before a "--" (whatever follows it goes to the tool).
std::vector<std::string> with_option(std::vector<std::string> args, const std::string &option) {
    args.insert(std::find(args.begin(), args.end(), "--"), option);
    return args;
}

//! Runs a migrate that must fail on a broken migration and checks the rollback and --keep-on-failure.
void check_failure_rolled_back(const TestHome &home, const FlavourSql &sql, const std::vector<std::string> &migrate,
                               const std::string &broken_table) {
    std::string before = schema_and_rows(home, sql, "db");
    RunResult failed = home.run(migrate);
    INFO(failed.out << failed.err);
    CHECK(failed.exit_code == 1);
    CHECK(failed.err.find("rolled back to snapshot pre-migrate-") != std::string::npos);
    CHECK(schema_and_rows(home, sql, "db") == before);
    CHECK_FALSE(has_table(home, sql, "db", broken_table));

    RunResult kept = home.run(with_option(migrate, "--keep-on-failure"));
    INFO(kept.out << kept.err);
    CHECK(kept.exit_code == 1);
    if (sql.flavour == "mysql") CHECK(has_table(home, sql, "db", broken_table)); // MariaDB committed the DDL before the error
    auto at = kept.err.find("dspace rollback db --to pre-migrate-");
    REQUIRE(at != std::string::npos);
    std::string snap = kept.err.substr(at + std::string("dspace rollback db --to ").size());
    snap = snap.substr(0, snap.find_first_of(" \n"));
    home.ok({"rollback", "db", "--to", snap});
    CHECK(schema_and_rows(home, sql, "db") == before);
}

//! --dry-run shows sql_fragment and changes nothing; --try reports the new table and leaves the space and no copy.
void check_dry_run_and_try(const TestHome &home, const FlavourSql &sql, const std::vector<std::string> &migrate, const std::string &sql_fragment,
                           const std::string &new_table) {
    std::string before = schema_and_rows(home, sql, "db");
    std::string plan = home.ok(with_option(migrate, "--dry-run"));
    CHECK(plan.find(sql_fragment) != std::string::npos);
    CHECK(schema_and_rows(home, sql, "db") == before);
    std::string tried = home.ok(with_option(migrate, "--try"));
    INFO(tried);
    CHECK(tried.find("every pending migration applied") != std::string::npos);
    CHECK(tried.find("+ ") != std::string::npos);
    CHECK(tried.find(new_table) != std::string::npos);
    CHECK(schema_and_rows(home, sql, "db") == before);
    CHECK(home.ok({"list"}).find("try-") == std::string::npos);
}

//! Runs program with args in cwd; FAILs the test when it fails.
void run_program(const std::vector<std::string> &argv, const stdfs::path &cwd) {
    dspace::ProcessRunnerImpl runner(nullptr);
    dspace::sdk::Command command;
    command.argv = argv;
    command.cwd = cwd.string();
    auto ran = runner.run(command);
    REQUIRE(ran.ok());
    INFO(ran.value().err);
    REQUIRE(ran.value().succeeded());
}

//! Starts `dspace migrate db` (plus options) in the background on a flyway project in dir whose one migration
//! creates table slow and then sleeps 20 s; returns its pid.
pid_t start_slow_migration(const stdfs::path &dir, const std::vector<std::string> &options) {
    write(dir, "V1__slow.sql", "create table slow(id int);\nselect pg_sleep(20);\n");
    dspace::sdk::Command command;
    command.argv = {DSPACE_TEST_BINARY, "migrate", "db", "--tool", "flyway", "--folder", dir.string()};
    command.argv.insert(command.argv.end(), options.begin(), options.end());
    return dspace::spawn_detached(command, (dir / "migrate.log").string());
}

} // namespace

TEST_CASE("migrate: flyway's built-in engine applies, targets, rolls back, refuses edits, tries, on both engines", "[integration][migrate]") {
    for (const FlavourSql &sql : snapshot_test::installed_flavours()) {
        DYNAMIC_SECTION(sql.flavour) {
            TestHome home;
            snapshot_test::create_with_items(home, sql, "db");
            dspace_test::TempDir project("dspace-flyway-");
            stdfs::path folder = project.path() / "sql";
            write(folder, "V1__create_orders.sql", "create table orders(id int primary key, who varchar(20));\ninsert into orders values (1, '${who}');\n");
            write(folder, "V1_1__tags.sql", "create table tags(id int);\n");
            std::vector<std::string> migrate{"migrate", "db", "--tool", "flyway", "--folder", folder.string()};
            std::vector<std::string> with_who = migrate;
            with_who.insert(with_who.end(), {"--", "-placeholders.who=bob"});

            auto status = status_json(home, {"db", "--tool", "flyway", "--folder", folder.string()});
            CHECK(std::string(status["head"].GetString()).empty());
            CHECK(status["pending"].Size() == 2);

            RunResult unknown = home.run({"migrate", "db", "--tool", "flyway", "--folder", folder.string(), "--target", "7"});
            CHECK(unknown.exit_code == 2);
            CHECK(unknown.err.find("known: 1, 1.1") != std::string::npos);

            std::vector<std::string> to_1 = migrate;
            to_1.insert(to_1.end(), {"--target", "1", "--", "-placeholders.who=bob"});
            std::string out = home.ok(to_1);
            CHECK(out.find("built-in engine") != std::string::npos);
            CHECK(dspace_test::query(home, sql, "db", "select who from orders") == "bob\n");
            CHECK(status_json(home, {"db"})["head"] == "1"); // tool and folder remembered from the last migrate
            std::string second = home.ok(with_who);
            CHECK(snapshot_head(home, "db", taken_snapshot(second)) == "1");
            // Flyway's checksum: CRC32 of the lines without terminators, as a signed int (zlib.crc32(b"create table tags(id int);")).
            CHECK(dspace_test::query(home, sql, "db", "select checksum from flyway_schema_history where script = 'V1_1__tags.sql'") ==
                  "-335081115\n");
            CHECK(home.ok(with_who).find("nothing to migrate") != std::string::npos);

            write(folder, "V2__broken.sql", "update items set name = 'broken';\ncreate table half_done(id int);\nselect nonsense from nowhere;\n");
            check_failure_rolled_back(home, sql, with_who, "half_done");
            stdfs::remove(folder / "V2__broken.sql");

            write(folder, "V2__labels.sql", "create table labels(id int, label varchar(10));\n");
            check_dry_run_and_try(home, sql, with_who, "create table labels", "labels");

            write(folder, "V1_1__tags.sql", "create table tags(id int, edited int);\n");
            RunResult edited = home.run(with_who);
            CHECK(edited.exit_code == 1);
            CHECK(edited.err.find("V1_1__tags.sql was changed after it was applied") != std::string::npos);
            CHECK_FALSE(has_table(home, sql, "db", "labels"));

            dspace_test::TempDir empty("dspace-flyway-empty-");
            RunResult none = home.run({"migrate", "db", "--tool", "flyway", "--folder", empty.path().string()});
            CHECK(none.exit_code == 1);
            CHECK(none.err.find("no migrations found") != std::string::npos);
        }
    }
}

TEST_CASE("migrate: a missing tool gives the install hint and changes nothing", "[integration][migrate]") {
    TestHome home;
    FlavourSql sql = dspace_test::postgres_sql();
    snapshot_test::create_with_items(home, sql, "db");
    dspace_test::TempDir project("dspace-flyway-");
    write(project.path(), "V1__t.sql", "create table t(id int);\n");
    home.ok({"config", "set", "migrators.flyway.program", "/nonexistent/flyway"});
    std::string before = schema_and_rows(home, sql, "db");
    RunResult missing = home.run({"migrate", "db", "--tool", "flyway", "--folder", project.path().string()});
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.find("flywaydb.org") != std::string::npos);
    CHECK(schema_and_rows(home, sql, "db") == before);
    CHECK(home.ok({"snapshot", "ls", "db"}).find("pre-migrate") == std::string::npos);
}

TEST_CASE("migrate: alembic with an unmodified env.py from `alembic init`, on both engines", "[integration][migrate]") {
    if (!dspace_test::have_program("/usr/bin/alembic")) return;
    for (const FlavourSql &sql : snapshot_test::installed_flavours()) {
        DYNAMIC_SECTION(sql.flavour) {
            TestHome home;
            snapshot_test::create_with_items(home, sql, "db");
            dspace_test::TempDir project("dspace-alembic-");
            run_program({"/usr/bin/alembic", "init", "migrations"}, project.path());
            stdfs::path versions = project.path() / "migrations" / "versions";
            auto revision = [&](const std::string &rev, const std::string &down, const std::string &body) {
                write(versions, rev + "_m.py", "revision = '" + rev + "'\ndown_revision = " + (down.empty() ? "None" : "'" + down + "'") +
                                                   "\nfrom alembic import op\ndef upgrade():\n" + body + "def downgrade():\n    pass\n");
            };
            revision("a1", "", "    op.execute('create table orders(id int primary key)')\n");
            revision("b2", "a1", "    op.execute('create table tags(id int)')\n");
            std::vector<std::string> migrate{"migrate", "db", "--tool", "alembic", "--folder", project.path().string()};

            auto status = status_json(home, {"db", "--tool", "alembic", "--folder", project.path().string()});
            CHECK(status["pending"].Size() == 2);
            std::vector<std::string> to_a1 = migrate;
            to_a1.insert(to_a1.end(), {"--target", "a1"});
            home.ok(to_a1);
            CHECK(has_table(home, sql, "db", "orders"));
            CHECK_FALSE(has_table(home, sql, "db", "tags"));
            std::string second = home.ok(migrate);
            CHECK(snapshot_head(home, "db", taken_snapshot(second)) == "a1");
            CHECK(status_json(home, {"db"})["head"] == "b2");

            revision("c3", "b2", "    op.execute(\"update items set name = 'broken'\")\n    op.execute('create table half_done(id int)')\n"
                                 "    op.execute('select nonsense from nowhere')\n");
            check_failure_rolled_back(home, sql, migrate, "half_done");
            stdfs::remove(versions / "c3_m.py");
            revision("c4", "b2", "    op.execute('create table labels(id int)')\n");
            check_dry_run_and_try(home, sql, migrate, "create table labels", "labels");
        }
    }
}

TEST_CASE("migrate: liquibase with an XML changelog, on both engines; a malformed changelog is refused with its line", "[integration][migrate]") {
    if (!dspace_test::have_program("/usr/bin/java")) return;
    const int jvm_timeout = 900; // each migrate starts Liquibase's JVM several times
    auto ok = [&](const TestHome &home, const std::vector<std::string> &args) {
        RunResult r = home.run(args, jvm_timeout);
        INFO(r.out << r.err);
        REQUIRE(r.succeeded());
        return r.out;
    };
    for (const FlavourSql &sql : snapshot_test::installed_flavours()) {
        DYNAMIC_SECTION(sql.flavour) {
            TestHome home;
            snapshot_test::create_with_items(home, sql, "db");
            dspace_test::TempDir project("dspace-liquibase-");
            auto changelog = [&](const std::string &sets) {
                write(project.path(), "db.changelog-master.xml",
                      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<databaseChangeLog xmlns=\"http://www.liquibase.org/xml/ns/dbchangelog\"\n"
                      "  xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
                      "  xsi:schemaLocation=\"http://www.liquibase.org/xml/ns/dbchangelog "
                      "http://www.liquibase.org/xml/ns/dbchangelog/dbchangelog-4.20.xsd\">\n" +
                          sets + "</databaseChangeLog>\n");
            };
            auto set = [](const std::string &id, const std::string &statements) {
                return "  <changeSet id=\"" + id + "\" author=\"test\"><sql>" + statements + "</sql></changeSet>\n";
            };
            std::string good = set("orders", "create table orders(id int primary key)") + set("tags", "create table tags(id int)");
            changelog(good);
            std::vector<std::string> migrate{"migrate", "db", "--tool", "liquibase", "--folder", project.path().string()};

            rapidjson::Document status;
            status.Parse(ok(home, {"migrate", "db", "--tool", "liquibase", "--folder", project.path().string(), "--status", "--json"}).c_str());
            REQUIRE(status.IsObject());
            CHECK(status["pending"].Size() == 2);
            std::vector<std::string> to_orders = migrate;
            to_orders.insert(to_orders.end(), {"--target", "orders"});
            ok(home, to_orders);
            CHECK(has_table(home, sql, "db", "orders"));
            CHECK_FALSE(has_table(home, sql, "db", "tags"));
            std::string second = ok(home, migrate);
            CHECK(snapshot_head(home, "db", taken_snapshot(second)) == "orders");
            CHECK(second.find("orders -> tags") != std::string::npos);

            changelog(good + set("broken", "update items set name = 'broken'; create table half_done(id int); select nonsense from nowhere"));
            std::string before = schema_and_rows(home, sql, "db");
            check_failure_rolled_back(home, sql, migrate, "half_done"); // also --keep-on-failure and its rollback command

            changelog(good + set("labels", "create table labels(id int)"));
            check_dry_run_and_try(home, sql, migrate, "create table labels", "labels");

            changelog(good + "  <changeSet id=\"bad\" author=\"test\"><sql>select 1</changeSet>\n");
            RunResult malformed = home.run(migrate, jvm_timeout);
            CHECK(malformed.exit_code == 1);
            CHECK(malformed.err.find("db.changelog-master.xml does not parse: line 7") != std::string::npos);
            CHECK(schema_and_rows(home, sql, "db") == before);
        }
    }
}

TEST_CASE("migrate: a third-party migrator built for SDK 1.0 runs with --tool", "[integration][migrate]") {
    TestHome home;
    std::string plugin = std::string(DSPACE_TEST_FIXTURE_DIR) + "/sdk10_sqlfiles/dspace_migrator_sdk10_sqlfiles.so";
    home.ok({"create", "db", "--flavour", "postgres"});
    dspace_test::TempDir project("dspace-sqlfiles-");
    write(project.path(), "001_orders.sql", "create table orders(id int);\n");
    write(project.path(), "002_tags.sql", "create table tags(id int);\n");
    std::string out = home.ok({"--plugin", plugin, "migrate", "db", "--tool", "sdk10_sqlfiles", "--folder", project.path().string()});
    INFO(out);
    CHECK(out.find("-> 002_tags.sql") != std::string::npos);
    CHECK(dspace_test::query(home, "db", "select count(*) from tags") == "0");
    write(project.path(), "003_broken.sql", "create table half_done(id int);\nselect nonsense from nowhere;\n");
    RunResult failed = home.run({"--plugin", plugin, "migrate", "db", "--tool", "sdk10_sqlfiles", "--folder", project.path().string()});
    CHECK(failed.exit_code == 1);
    CHECK(failed.err.find("rolled back") != std::string::npos);
    CHECK(dspace_test::query(home, "db", "select count(*) from information_schema.tables where table_name = 'half_done'") == "0");
}

TEST_CASE("migrate: a migration killed half way is reported by the next command, with the rollback", "[integration][migrate]") {
    TestHome home;
    home.ok({"create", "db", "--flavour", "postgres"});
    dspace_test::TempDir project("dspace-flyway-kill-");
    pid_t pid = start_slow_migration(project.path(), {});
    stdfs::path intent = home.path() / "spaces" / "db" / "migrate-intent.json";
    for (int i = 0; i < 600 && !stdfs::exists(intent); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    REQUIRE(stdfs::exists(intent));
    ::kill(pid, SIGKILL);
    dspace::wait_for_exit(pid, std::chrono::seconds(10));

    RunResult status = home.run({"status", "db"});
    CHECK(status.succeeded());
    CHECK(status.err.find("was interrupted") != std::string::npos);
    auto at = status.err.find("dspace rollback db --to pre-migrate-");
    REQUIRE(at != std::string::npos);
    std::string snap = status.err.substr(at + std::string("dspace rollback db --to ").size());
    home.ok({"rollback", "db", "--to", snap.substr(0, snap.find_first_of(" \n"))});
    CHECK(dspace_test::query(home, "db", "select count(*) from information_schema.tables where table_name = 'slow'") == "0");
    CHECK(home.run({"status", "db"}).err.find("interrupted") == std::string::npos); // the rollback settled it
}

TEST_CASE("migrate --try killed half way leaves no copy: the next command removes it and its server", "[integration][migrate][kill]") {
    TestHome home;
    home.ok({"create", "db", "--flavour", "postgres"});
    dspace_test::TempDir project("dspace-flyway-try-kill-");
    pid_t pid = start_slow_migration(project.path(), {"--try"});
    auto copy_running = [&] { // the copy exists and its server runs (the migration's pg_sleep then holds it)
        for (const auto &entry : stdfs::directory_iterator(home.path() / "spaces")) {
            std::string name = entry.path().filename().string();
            if (name.rfind("try-", 0) == 0 && stdfs::exists(entry.path() / "space.json") && dspace_test::status_field(home, name, "status") == "running")
                return true;
        }
        return false;
    };
    for (int i = 0; i < 600 && !copy_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    REQUIRE(copy_running());
    std::this_thread::sleep_for(std::chrono::seconds(1));
    ::kill(pid, SIGKILL);
    dspace::wait_for_exit(pid, std::chrono::seconds(10));

    std::string listed = home.ok({"list"});
    CHECK(listed.find("try-") == std::string::npos);
    for (const auto &entry : stdfs::directory_iterator(home.path() / "spaces")) {
        INFO("left in spaces/: " << entry.path());
        CHECK(entry.path().filename().string().rfind("try-", 0) != 0);
    }
    CHECK(dspace_test::query(home, "db", "select count(*) from information_schema.tables where table_name = 'slow'") == "0");
}
