// is_our_server and servers_on: a process is a space's server only by start time, executable and working directory.
#include "support/temp_dir.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/process.hpp>
#include <dspace/core/server_identity.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

//! `sleep 600` started in dir with an extra argument naming dir; killed when destroyed.
class SleepIn {
public:
    explicit SleepIn(const std::filesystem::path &dir) {
        dspace::sdk::Command command;
        command.argv = {"/bin/sh", "-c", "exec sleep 600", (dir / "data" / "log").string()};
        command.cwd = dir.string();
        pid_ = dspace::spawn_detached(command, "/dev/null");
        // sh execs sleep: wait until it has.
        for (int i = 0; i < 200 && program() != "sleep"; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ~SleepIn() {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    pid_t pid() const { return pid_; }

private:
    std::string program() const {
        std::error_code ec;
        return std::filesystem::read_symlink("/proc/" + std::to_string(pid_) + "/exe", ec).filename().string();
    }
    pid_t pid_ = 0;
};

} // namespace

TEST_CASE("is_our_server needs the start time, the program and the working directory", "[unit][identity]") {
    dspace_test::TempDir dir{"dspace-identity-"};
    std::filesystem::create_directory(dir.path() / "data");
    SleepIn sleeper(dir.path());
    auto start = dspace::process_start_time(sleeper.pid()).value_or(0);
    REQUIRE(start != 0);
    dspace::ServerIdentity identity{sleeper.pid(), start, "/bin/sleep", dir.path().string()};
    CHECK(dspace::is_our_server(identity));

    auto changed = identity;
    changed.start_time = 0;
    CHECK_FALSE(dspace::is_our_server(changed)); // 0 never matches
    changed.start_time = start + 1;
    CHECK_FALSE(dspace::is_our_server(changed));
    changed = identity;
    changed.program = "/bin/sh";
    CHECK_FALSE(dspace::is_our_server(changed));
    changed = identity;
    changed.data_dir = (dir.path() / "data").string(); // named in its arguments, but not where it works
    CHECK_FALSE(dspace::is_our_server(changed));
    changed = identity;
    changed.pid = ::getpid();
    CHECK_FALSE(dspace::is_our_server(changed));
}

TEST_CASE("servers_on finds a process by program and working directory, never by a substring", "[unit][identity]") {
    dspace_test::TempDir dir{"dspace-identity-"};
    std::filesystem::create_directory(dir.path() / "data");
    SleepIn sleeper(dir.path());
    auto found = dspace::servers_on("/bin/sleep", dir.path().string());
    CHECK(std::find(found.begin(), found.end(), sleeper.pid()) != found.end());
    CHECK(dspace::servers_on("/bin/sleep", (dir.path() / "data").string()).empty());
    CHECK(dspace::servers_on("/bin/sh", dir.path().string()).empty());
}

TEST_CASE("spawn_detached runs the program only after the caller recorded its pid", "[unit][identity]") {
    dspace_test::TempDir dir{"dspace-identity-"};
    dspace::sdk::Command command;
    command.argv = {"/bin/sleep", "600"};
    command.cwd = dir.path().string();
    auto exe_of = [](pid_t pid) {
        std::error_code ec;
        return std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec).string();
    };
    pid_t recorded = 0;
    std::string program_when_recorded;
    pid_t pid = dspace::spawn_detached(command, "/dev/null", [&](pid_t spawned) {
        recorded = spawned;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        program_when_recorded = exe_of(spawned);
    });
    CHECK(recorded == pid);
    CHECK(program_when_recorded != std::filesystem::canonical("/bin/sleep").string()); // not yet exec'd
    CHECK(dspace::servers_on("/bin/sleep", dir.path().string()) == std::vector<pid_t>{pid});
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);

    // A caller that fails to record the pid gets no server at all.
    CHECK_THROWS_AS(dspace::spawn_detached(command, "/dev/null", [](pid_t) { throw dspace::Error("cannot record"); }), dspace::Error);
    CHECK(dspace::servers_on("/bin/sleep", dir.path().string()).empty());
}
