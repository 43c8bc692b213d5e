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

#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

namespace dspace_test {

//! What one run of dspace printed and returned.
struct RunResult {
    int exit_code = -1; //!< exit status (-1 when killed or timed out)
    std::string out;    //!< stdout
    std::string err;    //!< stderr
};

//! Runs the built dspace with args (DSPACE_TEST_BINARY), with the current environment; timeout in seconds.
RunResult run_dspace(const std::vector<std::string> &args, int timeout_seconds = 120);

//! A fresh $DSPACE_HOME (mkdtemp under /tmp), exported as DSPACE_HOME while it lives.
class TestHome {
public:
    TestHome();
    ~TestHome();
    TestHome(const TestHome &) = delete;
    TestHome &operator=(const TestHome &) = delete;
    //! The home directory.
    const std::filesystem::path &path() const { return path_; }
    //! run_dspace with this home.
    RunResult run(const std::vector<std::string> &args, int timeout_seconds = 120) const { return run_dspace(args, timeout_seconds); }

private:
    std::filesystem::path path_;
};

//! The output of `dspace shell space -- -tAc sql` (postgres) without the trailing newline; FAILs the test when it fails.
std::string query(const TestHome &home, const std::string &space, const std::string &sql);
//! One field of `dspace status space --json` as text (e.g. "status", "port", "pid").
std::string status_field(const TestHome &home, const std::string &space, const std::string &key);
//! True when the program is installed (e.g. "/usr/lib/postgresql/15/bin/postgres"); otherwise prints why a test skips.
bool have_program(const std::string &path);

} // namespace dspace_test
