// `dspace export` and `dspace create --from` against real servers: every format of both flavours round-trips
// (data checked after, the new space's credentials its own), a PGDATA made by initdb and pg_ctl outside dspace is
// adopted, an exported data directory starts outside dspace, and bad input (a version not installed, a missing
// path, an unknown format) is refused with nothing created.
#include "support.hpp"
#include "support/s3_server.hpp"

#include <dspace/core/ports.hpp>
#include <dspace/core/process.hpp>
#include <dspace/core/storage.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <iostream>
#include <sys/stat.h>
#include <unistd.h>

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using dspace_test::TestHome;

namespace {

const std::string pg_bin = "/usr/lib/postgresql/15/bin/";

std::string first_bytes(const std::filesystem::path &file, size_t count) {
    std::ifstream in(file, std::ios::binary);
    std::string bytes(count, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(count));
    bytes.resize(static_cast<size_t>(in.gcount()));
    return bytes;
}

std::string my(const TestHome &home, const std::string &space, const std::string &sql) {
    std::string out = dspace_test::query(home, dspace_test::mysql_sql(), space, sql);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

//! Runs argv as the OS user postgres; FAILs the test when it fails. Returns stdout.
std::string as_postgres(const std::vector<std::string> &argv) {
    dspace::ProcessRunnerImpl runner(nullptr);
    dspace::sdk::Command command;
    command.argv = argv;
    command.run_as_user = "postgres";
    command.cwd = "/";
    command.timeout = std::chrono::seconds(60);
    auto ran = runner.run(command);
    REQUIRE(ran.ok());
    INFO(argv[0] << ": " << ran->out << ran->err);
    REQUIRE(ran->succeeded());
    return ran->out;
}

//! A directory under /tmp the postgres user owns (mode 0700), removed at the end.
struct PostgresDir {
    dspace_test::TempDir dir{"dspace-formats-", 0700};
    PostgresDir() {
        auto user = dspace::os_user("postgres");
        REQUIRE(::chown(dir.path().c_str(), user.uid, user.gid) == 0);
    }
};

//! Starts the cluster data outside dspace (pg_ctl, socket in socket_dir, a free port), runs sql as the superuser
//! in database, and stops it again. Returns psql's output.
std::string run_outside(const std::filesystem::path &data, const std::filesystem::path &socket_dir, const std::string &sql,
                        const std::string &database = "postgres") {
    std::string port = std::to_string(dspace::pick_free_port("127.0.0.1", {}));
    as_postgres({pg_bin + "pg_ctl", "-D", data.string(), "-o", "-p " + port + " -k " + socket_dir.string() + " -c listen_addresses=''",
                 "-l", (socket_dir / "server.log").string(), "-w", "start"});
    dspace::ProcessRunnerImpl runner(nullptr);
    dspace::sdk::Command psql;
    psql.argv = {pg_bin + "psql", "-h", socket_dir.string(), "-p", port, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql};
    psql.run_as_user = "postgres";
    psql.cwd = "/";
    auto ran = runner.run(psql);
    as_postgres({pg_bin + "pg_ctl", "-D", data.string(), "-w", "stop"});
    REQUIRE(ran.ok());
    INFO(ran->err);
    REQUIRE(ran->succeeded());
    return ran->out;
}

//! The spaces dspace lists, one name a line.
std::string space_names(const TestHome &home) { return home.ok({"list", "--names"}); }

} // namespace

TEST_CASE("export and create --from round-trip a PostgreSQL snapshot in every format", "[integration][formats][postgres]") {
    if (!dspace_test::have_program(pg_bin + "pg_ctl")) return;
    TestHome home;
    PostgresDir out;
    home.ok({"create", "src", "--flavour", "postgres"});
    dspace_test::query(home, "src", "CREATE TABLE items(id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 500) g");
    home.ok({"snapshot", "src", "s1"});
    dspace_test::query(home, "src", "DELETE FROM items"); // the export is of the snapshot, not of the live data

    std::string made; // the spaces made so far, in name order (the formats are in alphabetical order)
    for (std::string format : {"dump", "pgdata", "tar"}) {
        INFO("format " << format);
        std::string copied = "from-" + format;
        {
            auto target = out.dir.path() / ("export." + format);
            std::string said = home.ok({"export", "src", "s1", "--format", format, "--to", target.string()});
            CHECK_THAT(said, Contains("exported src/s1 (postgres 15) as " + format));
            struct stat st {};
            REQUIRE(::stat(target.c_str(), &st) == 0);
            if (format == "pgdata") {
                CHECK(S_ISDIR(st.st_mode));
                CHECK((st.st_mode & 0777) == 0700);
                CHECK(st.st_uid == dspace::os_user("postgres").uid);
                CHECK(std::filesystem::exists(target / "PG_VERSION"));
                CHECK_FALSE(std::filesystem::exists(target / "dspace.conf"));
                CHECK_FALSE(std::filesystem::exists(target / "postmaster.pid"));
                // a plain data directory: PostgreSQL starts on it without dspace
                CHECK(run_outside(target, out.dir.path(), "SELECT count(*) FROM items", "src") == "500\n");
            } else if (format == "tar") {
                CHECK(first_bytes(target, 512).substr(257, 5) == "ustar");
            } else {
                CHECK(first_bytes(target, 5) == "PGDMP");
            }
            CHECK((st.st_mode & 0077) == 0);

            bool move = format == "tar";
            std::vector<std::string> create = {"create", copied, "--from", target.string()};
            if (move) create.push_back("--move");
            CHECK_THAT(home.ok(create), Contains("created space '" + copied + "' (postgres 15)"));
            CHECK(dspace_test::query(home, copied, "SELECT count(*), max(name) FROM items") == "500|item 99");
            CHECK(dspace_test::query(home, copied, "SELECT current_user") == "dspace");
            CHECK(dspace_test::env_value(home, copied, "PGPASSWORD").size() >= 16);
            CHECK(dspace_test::env_value(home, copied, "PGPASSWORD") != dspace_test::env_value(home, "src", "PGPASSWORD"));
            CHECK(std::filesystem::exists(target) == !move); // only --move deletes the source
            made += copied + "\n";
            CHECK(space_names(home) == made + "src\n"); // the export's temporary space is gone
        }
    }
}

TEST_CASE("export and create --from round-trip a MariaDB snapshot in every format", "[integration][formats][mysql]") {
    if (!dspace_test::mariadb_installed()) return;
    TestHome home;
    dspace_test::TempDir out{"dspace-formats-", 0700};
    home.ok({"create", "src", "--flavour", "mysql"});
    my(home, "src", "CREATE TABLE items(id int PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'one'), (2, 'two')");
    home.ok({"snapshot", "src", "s1"});

    std::string made; // the spaces made so far, in name order (the formats are in alphabetical order)
    for (std::string format : {"dump", "pgdata", "tar"}) {
        INFO("format " << format);
        std::string copied = "from-" + format;
        {
            auto target = out.path() / ("export." + format);
            CHECK_THAT(home.ok({"export", "src", "s1", "--format", format, "--to", target.string()}),
                       Contains("as " + format));
            if (format == "pgdata") {
                CHECK(std::filesystem::is_directory(target / "mysql"));
                CHECK(std::filesystem::exists(target / "dspace-data.json"));
            }
            if (format == "dump") CHECK_THAT(first_bytes(target, 200), Contains("MariaDB dump"));
            CHECK_THAT(home.ok({"create", copied, "--from", target.string(), "--format", format}), Contains("(mysql "));
            CHECK(my(home, copied, "SELECT group_concat(name ORDER BY id) FROM items") == "one,two");
            CHECK_THAT(my(home, copied, "SELECT current_user()"), StartsWith("dspace@"));
            CHECK(dspace_test::env_value(home, copied, "MYSQL_PWD") != dspace_test::env_value(home, "src", "MYSQL_PWD"));
            made += copied + "\n";
            CHECK(space_names(home) == made + "src\n");
        }
    }
}

TEST_CASE("create --from adopts a PGDATA made by initdb and pg_ctl outside dspace", "[integration][formats][adopt][postgres]") {
    if (!dspace_test::have_program(pg_bin + "initdb")) return;
    TestHome home;
    PostgresDir outside;
    auto data = outside.dir.path() / "pgdata";
    as_postgres({pg_bin + "initdb", "-D", data.string(), "--auth=trust", "--no-sync"});
    run_outside(data, outside.dir.path(), "CREATE TABLE kept(v text); INSERT INTO kept VALUES ('made outside')");
    CHECK_FALSE(std::filesystem::exists(data / "postmaster.pid"));

    CHECK_THAT(home.ok({"create", "adopted", "--from", data.string(), "--move"}), Contains("created space 'adopted' (postgres 15)"));
    CHECK(dspace_test::query(home, "adopted", "SELECT v FROM kept") == "made outside");
    CHECK(dspace_test::query(home, "adopted", "SELECT current_user || ' ' || current_database()") == "dspace postgres");
    CHECK(dspace_test::env_value(home, "adopted", "PGPASSWORD").size() >= 16);
    CHECK_FALSE(std::filesystem::exists(data)); // --move: the source is gone once the space runs
    struct stat st {};
    REQUIRE(::stat((home.path() / "spaces/adopted/data").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    CHECK(st.st_uid == dspace::os_user("postgres").uid);
    // it behaves like any space: restarts, snapshots
    home.ok({"stop", "adopted"});
    home.ok({"start", "adopted"});
    home.ok({"snapshot", "adopted", "first"});
    CHECK(dspace_test::query(home, "adopted", "SELECT count(*) FROM kept") == "1");
}

TEST_CASE("create --from adopts a Debian-style PGDATA whose configuration files live elsewhere", "[integration][formats][adopt][postgres]") {
    if (!dspace_test::have_program(pg_bin + "initdb")) return;
    TestHome home;
    PostgresDir outside;
    auto data = outside.dir.path() / "main";
    as_postgres({pg_bin + "initdb", "-D", data.string(), "--auth=trust", "--no-sync"});
    run_outside(data, outside.dir.path(), "CREATE DATABASE shop");
    for (const char *file : {"postgresql.conf", "pg_hba.conf", "pg_ident.conf"}) // pg_createcluster keeps them in /etc/postgresql
        std::filesystem::remove(data / file);

    CHECK_THAT(home.ok({"create", "debian", "--from", data.string(), "--initial-database", "shop"}), Contains("/shop"));
    CHECK(dspace_test::query(home, "debian", "SELECT current_database()") == "shop");
    CHECK(std::filesystem::exists(data / "PG_VERSION")); // copied, not moved
    CHECK_FALSE(std::filesystem::exists(data / "postgresql.conf"));
}

TEST_CASE("create --from refuses a data directory of a server version that is not installed", "[integration][formats][adopt]") {
    TestHome home;
    dspace_test::TempDir dir{"dspace-formats-", 0700};
    auto data = dir.path() / "pg99";
    std::filesystem::create_directories(data / "base");
    std::ofstream(data / "PG_VERSION") << "99\n";
    auto r = home.run({"create", "future", "--from", data.string(), "--move"});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains("PostgreSQL 99 data") && Contains("installed postgres") && Contains("15") && Contains("nothing was created"));
    CHECK_THAT(r.err, Contains("hint: install the PostgreSQL 99 server"));
    CHECK(space_names(home).empty());
    CHECK_FALSE(std::filesystem::exists(home.path() / "spaces/future"));
    CHECK(std::filesystem::exists(data / "PG_VERSION")); // --move never touches a refused source
}

TEST_CASE("export and create --from refuse bad input with errors that say what to do", "[integration][formats][usage]") {
    TestHome home;
    dspace_test::TempDir dir{"dspace-formats-", 0700};
    auto missing = home.run({"create", "x", "--from", (dir.path() / "nothing-here").string()});
    CHECK(missing.exit_code == 1);
    CHECK_THAT(missing.err, Contains("no such file or directory") && Contains("hint:"));

    auto unknown = home.run({"create", "x", "--from", dir.path().string(), "--format", "zip"});
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Contains("unknown format 'zip'") && Contains("pgdata") && Contains("tar") && Contains("dump"));

    auto neither = home.run({"create", "x", "--from", dir.path().string()});
    CHECK(neither.exit_code == 1);
    CHECK_THAT(neither.err, Contains("neither a PostgreSQL data directory"));

    auto fake = dir.path() / "pg15";
    std::filesystem::create_directories(fake / "base");
    std::ofstream(fake / "PG_VERSION") << "15\n";
    auto other_version = home.run({"create", "x", "--from", fake.string(), "--version", "14"});
    CHECK(other_version.exit_code == 2);
    CHECK_THAT(other_version.err, Contains("PostgreSQL 15 data, not version 14") && Contains("leave out --version"));
    std::ofstream(fake / "postmaster.pid") << ::getpid() << "\n" << fake.string() << "\n";
    auto running = home.run({"create", "x", "--from", fake.string()});
    CHECK(running.exit_code == 1);
    CHECK_THAT(running.err, Contains("server (pid " + std::to_string(::getpid()) + ") is running on") && Contains("stop it first"));

    auto stray = home.run({"create", "x", "--flavour", "postgres", "--move"});
    CHECK(stray.exit_code == 2);
    CHECK_THAT(stray.err, Contains("--from PATH"));

    auto export_format = home.run({"export", "a", "s", "--format", "zip", "--to", (dir.path() / "out").string()});
    CHECK(export_format.exit_code == 2);
    CHECK_THAT(export_format.err, Contains("unknown format 'zip'"));

    auto existing = home.run({"export", "a", "s", "--to", dir.path().string()});
    CHECK(existing.exit_code == 1);
    CHECK_THAT(existing.err, Contains("already exists") && Contains("never overwrites"));

    auto no_snapshot = home.run({"export", "a", "s", "--to", (dir.path() / "out").string()});
    CHECK(no_snapshot.exit_code != 0);
    CHECK_THAT(no_snapshot.err, Contains("hint:"));
    CHECK_FALSE(std::filesystem::exists(dir.path() / "out"));
    CHECK(space_names(home).empty());
}

TEST_CASE("export writes tar and dump objects to s3:// and to a remote; create --from loads them back from there", "[integration][formats][s3]") {
    if (dspace_test::s3rver_program().empty()) {
        std::cout << "skipped: s3rver is not installed (scripts/bootstrap installs it: npm install -g s3rver@3.7.1)\n";
        return;
    }
    dspace_test::S3Server server;
    TestHome home;
    home.ok({"create", "src", "--flavour", "postgres"});
    dspace_test::query(home, "src", "CREATE TABLE t(v int); INSERT INTO t VALUES (7)");
    home.ok({"snapshot", "src", "s1"});
    std::string bucket = "s3://" + server.bucket();

    CHECK_THAT(home.ok({"export", "src", "s1", "--format", "dump", "--to", bucket + "/exports/src.dump"}),
               Contains("to " + bucket + "/exports/src.dump"));
    home.ok({"remote", "add", "team", bucket + "/team"});
    CHECK_THAT(home.ok({"export", "src", "s1", "--format", "tar", "--to", "team"}), Contains("to " + bucket + "/team/src-s1.tar"));

    auto again = home.run({"export", "src", "s1", "--format", "tar", "--to", "team"});
    CHECK(again.exit_code == 1);
    CHECK_THAT(again.err, Contains("already exists") && Contains("never overwrites"));
    auto directory = home.run({"export", "src", "s1", "--format", "pgdata", "--to", bucket + "/exports/data"});
    CHECK(directory.exit_code == 2);
    CHECK_THAT(directory.err, Contains("--format tar or --format dump"));

    for (std::string url : {bucket + "/exports/src.dump", bucket + "/team/src-s1.tar"}) {
        INFO(url);
        std::string name = url.find(".dump") != std::string::npos ? "from-dump" : "from-tar";
        home.ok({"create", name, "--from", url});
        CHECK(dspace_test::query(home, name, "SELECT v FROM t") == "7");
    }
    auto moved = home.run({"create", "nope", "--from", bucket + "/team/src-s1.tar", "--move"});
    CHECK(moved.exit_code == 2);
    CHECK_THAT(moved.err, Contains("--move cannot delete an object"));
    auto missing = home.run({"create", "nope", "--from", bucket + "/team/absent.tar"});
    CHECK(missing.exit_code == 1);
    std::error_code ec;
    CHECK(std::filesystem::is_empty(home.path() / "cache" / "downloads", ec)); // every download was removed
    CHECK(space_names(home) == "from-dump\nfrom-tar\nsrc\n");
}
