// Shared by the kill tests: run dspace, SIGKILL it at a chosen moment (with the helpers it ran), and check that
// the next command sees the old or the new state and nothing untracked is left.
#pragma once

#include "support.hpp"

#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace kill_test {

using dspace_test::FlavourSql;
using dspace_test::TestHome;

//! Kills per operation and flavour: 20, or 60 with DSPACE_TEST_LONG=1.
inline int kills_per_operation() {
    const char *long_run = std::getenv("DSPACE_TEST_LONG");
    return long_run && std::string(long_run) == "1" ? 60 : 20;
}

//! Kills of each of the block engine's snapshot, rollback and gc: at least 30, or kills_per_operation() when more.
inline int block_engine_kills() { return std::max(30, kills_per_operation()); }

//! The delay of kill i of n, spread over [0, span): one random moment in each of n equal slices.
inline std::chrono::milliseconds spread_delay(int i, int n, std::chrono::milliseconds span) {
    static std::mt19937 random{std::random_device{}()};
    double slice = static_cast<double>(span.count()) / n;
    return std::chrono::milliseconds(static_cast<long>(slice * i + std::uniform_real_distribution<double>(0, slice)(random)));
}

//! Starts dspace with args in the current TestHome (its environment), output discarded (its stderr written to
//! err_file when given); returns its pid.
inline pid_t spawn_dspace(const std::vector<std::string> &args, const std::string &err_file = {}) {
    std::vector<std::string> argv{DSPACE_TEST_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int null = ::open("/dev/null", O_RDWR);
        int err = err_file.empty() ? null : ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(err, 2);
        std::vector<char *> raw;
        for (auto &a : argv) raw.push_back(a.data());
        raw.push_back(nullptr);
        ::execv(raw[0], raw.data());
        ::_exit(127);
    }
    return pid;
}

//! After delay, kills dspace with SIGKILL, then the helper programs it ran (rsync, pg_dump…: its descendants
//! in its session), as if the whole job died; detached servers (own session) live on. Waits for dspace.
inline void kill_after(pid_t pid, std::chrono::milliseconds delay) {
    std::this_thread::sleep_for(delay);
    pid_t session = ::getsid(pid);
    auto tree = dspace::process_tree(pid);
    ::kill(pid, SIGKILL);
    for (pid_t p : tree)
        if (p != pid && ::getsid(p) == session) ::kill(p, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
}

//! Runs `dspace args`, SIGKILLed after delay.
inline void run_killed(const std::vector<std::string> &args, std::chrono::milliseconds delay) { kill_after(spawn_dspace(args), delay); }

//! Kill i of n (0 ≤ i < n) of `dspace args_of(i)`, at moments spread over span; after(i) then checks the state the
//! kill left. n is kills_per_operation() / 4 (5, or 15 with DSPACE_TEST_LONG=1) unless given: the quick default of
//! the verbs whose every check restarts servers.
inline void kill_spread(std::chrono::milliseconds span, const std::function<std::vector<std::string>(int i)> &args_of,
                        const std::function<void(int i)> &after, int n = kills_per_operation() / 4) {
    for (int i = 0; i < n; ++i) {
        auto delay = spread_delay(i, n, span);
        auto args = args_of(i);
        INFO("kill " << i << " of " << n << ": dspace " << args.front() << " killed after " << delay.count() << " ms of " << span.count());
        run_killed(args, delay);
        after(i);
    }
}

//! How long `dspace args` takes when not killed (it must succeed).
inline std::chrono::milliseconds duration_of(const TestHome &home, const std::vector<std::string> &args) {
    auto start = std::chrono::steady_clock::now();
    home.ok(args);
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

//! `dspace list --json` (the next command after a kill: it recovers first): name → status.
inline std::map<std::string, std::string> listed(const TestHome &home) {
    std::string text = home.ok({"list", "--json"});
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    REQUIRE(doc.IsArray());
    std::map<std::string, std::string> out;
    for (const auto &space : doc.GetArray()) out[space["name"].GetString()] = space["status"].GetString();
    return out;
}

//! The working directory of pid, or empty.
inline std::string cwd_of(pid_t pid) {
    std::error_code ec;
    auto cwd = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/cwd", ec);
    return ec ? std::string() : cwd.string();
}

//! The state after a kill, seen by the next command: every listed space is whole and answers SQL (started first
//! when may_be_stopped, else it must run by itself); the spaces directory holds exactly the listed spaces; no
//! server runs below the home except in a listed space's data directory; no file of SQL (which may hold a
//! password) is left in the cache. Returns the listed spaces.
inline std::map<std::string, std::string> check_after_kill(const TestHome &home, const FlavourSql &sql, bool may_be_stopped) {
    auto spaces = listed(home);
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(home.path() / "spaces", ec)) {
        INFO("left in spaces/: " << entry.path().filename().string());
        CHECK(spaces.count(entry.path().filename().string()) == 1);
    }
    for (const auto &[name, status] : spaces) {
        INFO("space " << name << " is " << status);
        if (!may_be_stopped) {
            CHECK(status == "running");
            CHECK(dspace_test::query(home, sql, name, "select 1") == "1\n");
            continue;
        }
        // A kill during the clean stop of rm leaves the server finishing its shutdown: then start it again.
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        std::vector<std::string> select{"shell", name, "--"};
        select.insert(select.end(), sql.query_flags.begin(), sql.query_flags.end());
        select.push_back("select 1");
        while (!home.run(select).succeeded()) {
            REQUIRE(std::chrono::steady_clock::now() < deadline);
            if (dspace_test::status_field(home, name, "status") != "running") home.ok({"start", name});
            else std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }
    std::string below = (home.path() / "spaces").string() + "/";
    for (const auto &entry : std::filesystem::directory_iterator("/proc", ec)) {
        pid_t pid = static_cast<pid_t>(std::atoi(entry.path().filename().c_str()));
        std::string cwd = pid > 0 ? cwd_of(pid) : "";
        if (cwd.rfind(below, 0) != 0) continue;
        std::string space = cwd.substr(below.size(), cwd.find('/', below.size()) - below.size());
        INFO("process " << pid << " works in " << cwd);
        CHECK((spaces.count(space) == 1 && cwd == below + space + "/data"));
    }
    for (const auto &entry : std::filesystem::directory_iterator(home.path() / "cache" / sql.flavour, ec)) {
        INFO("left in the cache: " << entry.path().string());
        CHECK(entry.path().filename().string().rfind("sql-", 0) != 0);
    }
    return spaces;
}

} // namespace kill_test
