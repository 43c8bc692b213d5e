// Shared fixture of the integration tests: a throw-away $DSPACE_HOME and helpers that drive the real dspace program.
//
// Usage:
//   dspace_test::TestHome home;                          // fresh DSPACE_HOME under /tmp, set for child processes
//   auto r = home.run({"create", "db", "--flavour", "postgres"});
//   REQUIRE(r.exit_code == 0);
//   CHECK(dspace_test::query(home, "db", "select 1") == "1");
//
// The destructor runs `dspace rm --all --force`, kills whatever process still uses the home (a server
// started by a failed test), and deletes the directory: every test cleans up, also when it fails.
// Only one TestHome may be alive at a time, because DSPACE_HOME is a process-wide variable.
#pragma once

#include "support/temp_dir.hpp"

#include <filesystem>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace dspace_test {

//! What one run of dspace printed and returned.
struct RunResult {
    int exit_code = -1; //!< exit status (-1 when killed or timed out)
    std::string out;    //!< stdout
    std::string err;    //!< stderr
    //! True when dspace exited with status 0.
    bool succeeded() const { return exit_code == 0; }
};

//! Runs the built dspace with args (DSPACE_TEST_BINARY), with the current environment plus env; timeout in seconds.
RunResult run_dspace(const std::vector<std::string> &args, int timeout_seconds = 180,
                     const std::vector<std::pair<std::string, std::string>> &env = {});

//! A fresh $DSPACE_HOME (mkdtemp under /tmp, mode 0711 so a server user can pass through), exported as
//! DSPACE_HOME, with an empty DSPACE_PLUGIN_PATH, while it lives.
class TestHome {
public:
    TestHome();
    ~TestHome();
    TestHome(const TestHome &) = delete;
    TestHome &operator=(const TestHome &) = delete;
    //! The home directory.
    const std::filesystem::path &path() const { return dir_.path(); }
    //! run_dspace with this home.
    RunResult run(const std::vector<std::string> &args, int timeout_seconds = 180) const { return run_dspace(args, timeout_seconds); }
    //! Runs dspace with args, requires success (FAILs the test otherwise) and returns its stdout.
    std::string ok(const std::vector<std::string> &args) const;

private:
    TempDir dir_{"dspace-test-", 0711};
};

//! How the tests talk SQL to one flavour's client.
struct FlavourSql {
    std::string flavour;                  //!< flavour name
    std::vector<std::string> query_flags; //!< client flags before the SQL: unaligned, no headers
};

//! The postgres client (psql -At -c).
inline FlavourSql postgres_sql() { return {"postgres", {"-At", "-c"}}; }
//! The mysql client (mariadb -N -e).
inline FlavourSql mysql_sql() { return {"mysql", {"-N", "-e"}}; }

//! What `dspace shell space -- <flags> sql` printed, newline included; FAILs the test when it fails.
std::string query(const TestHome &home, const FlavourSql &client, const std::string &space, const std::string &sql);
//! The output of the postgres query without the trailing newline; FAILs the test when it fails.
std::string query(const TestHome &home, const std::string &space, const std::string &sql);
//! One field of `dspace status space --json` as text (e.g. "status", "port", "pid").
std::string status_field(const TestHome &home, const std::string &space, const std::string &key);
//! The value of `export NAME='…'` in `dspace env space`, or empty when it prints none.
std::string env_value(const TestHome &home, const std::string &space, const std::string &name);
//! True when the program is installed (e.g. "/usr/lib/postgresql/15/bin/postgres"); otherwise prints why a test skips.
bool have_program(const std::string &path);
//! True when the MariaDB server and client are installed; otherwise warns why a test skips.
bool mariadb_installed();

} // namespace dspace_test
