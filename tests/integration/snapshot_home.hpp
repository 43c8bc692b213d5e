// Shared by the snapshot integration tests: a private DSPACE_HOME driving the built dspace, and per-flavour SQL.
#pragma once

#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace snapshot_test {

namespace stdfs = std::filesystem;

//! A fresh DSPACE_HOME under a 0711 temp dir (the server user must pass through it); every space in it
//! is force-removed and the directory deleted when the test ends.
class SnapshotHome {
public:
    SnapshotHome() {
        std::string pattern = (stdfs::temp_directory_path() / "dspace-snapshot-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        root_ = pattern;
        ::chmod(root_.c_str(), 0711);
    }
    ~SnapshotHome() {
        run({"rm", "--all", "--force"});
        std::error_code ignored;
        stdfs::remove_all(root_, ignored);
    }
    SnapshotHome(const SnapshotHome &) = delete;
    SnapshotHome &operator=(const SnapshotHome &) = delete;

    //! $DSPACE_HOME.
    stdfs::path home() const { return root_ / "home"; }
    //! The environment dspace runs with.
    std::vector<std::pair<std::string, std::string>> env() const { return {{"DSPACE_HOME", home().string()}, {"DSPACE_PLUGIN_PATH", ""}}; }

    //! Runs the built dspace with args in this home.
    dspace::sdk::ProcessResult run(const std::vector<std::string> &args) const {
        dspace::sdk::Command command;
        command.argv = {DSPACE_TEST_BINARY};
        command.argv.insert(command.argv.end(), args.begin(), args.end());
        command.env = env();
        command.timeout = std::chrono::minutes(3);
        dspace::ProcessRunnerImpl runner(nullptr);
        auto result = runner.run(command);
        if (!result.ok()) FAIL(result.status().message());
        return *result;
    }
    //! Runs dspace with args, requires success and returns its stdout.
    std::string ok(const std::vector<std::string> &args) const {
        auto result = run(args);
        INFO("dspace " << args.front() << " failed: " << result.out << result.err);
        REQUIRE(result.succeeded());
        return result.out;
    }

private:
    stdfs::path root_;
};

//! How the tests talk SQL to one flavour.
struct FlavourSql {
    std::string flavour;                  //!< flavour name
    std::vector<std::string> query_flags; //!< client flags before the SQL: unaligned, no headers
    std::string fill;                     //!< creates and fills the table items
};

inline bool mariadb_installed() { return stdfs::exists("/usr/sbin/mariadbd") && stdfs::exists("/usr/bin/mariadb-install-db"); }

inline FlavourSql postgres_sql() {
    return {"postgres", {"-At", "-c"},
            "create table items(id int primary key, name text); insert into items select g, 'n' || g from generate_series(1, 200) g"};
}

inline FlavourSql mysql_sql() {
    return {"mysql", {"-N", "-e"},
            "create table items(id int primary key, name text); insert into items select seq, concat('n', seq) from seq_1_to_200"};
}

//! The flavours installed here; prints why one is skipped.
inline std::vector<FlavourSql> installed_flavours() {
    std::vector<FlavourSql> out{postgres_sql()};
    if (mariadb_installed()) out.push_back(mysql_sql());
    else WARN("MariaDB is not installed (apt-get install mariadb-server): its snapshot tests are skipped");
    return out;
}

//! Runs sql in space through its client; returns what it printed.
inline std::string query(const SnapshotHome &home, const FlavourSql &sql, const std::string &space, const std::string &text) {
    std::vector<std::string> args{"shell", space, "--"};
    args.insert(args.end(), sql.query_flags.begin(), sql.query_flags.end());
    args.push_back(text);
    return home.ok(args);
}

//! The rows and the column count of items: what a rollback must bring back exactly.
inline std::string items_state(const SnapshotHome &home, const FlavourSql &sql, const std::string &space) {
    return query(home, sql, space, "select count(*) from information_schema.columns where table_name = 'items'") +
           query(home, sql, space, "select id, name from items order by id");
}

//! The change a test rolls back: schema and rows.
inline const char *change_items = "alter table items add column extra int; update items set name = 'changed' where id < 50; "
                                  "delete from items where id > 150";

} // namespace snapshot_test
