// Killing dspace with SIGKILL at random moments of snapshot and rollback never leaves a half state:
// after the next command's recovery the space starts, its data is the before or the after state, and
// every listed snapshot is complete.
#include "snapshot_items.hpp"

#include <dspace/core/process.hpp>

#include <chrono>
#include <cstdlib>
#include <csignal>
#include <fcntl.h>
#include <random>
#include <sys/wait.h>
#include <thread>

using namespace snapshot_test;
using dspace_test::postgres_sql;
using dspace_test::query;
using Catch::Matchers::Contains;

namespace {

//! Kills per operation: a quick default, 30 with DSPACE_TEST_LONG=1.
int kills_per_operation() { return std::getenv("DSPACE_TEST_LONG") ? 30 : 8; }

//! Starts dspace with args in the current TestHome (its environment), output discarded; returns its pid.
pid_t spawn_dspace(const std::vector<std::string> &args) {
    std::vector<std::string> argv{DSPACE_TEST_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(null, 2);
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
void kill_after(pid_t pid, std::chrono::milliseconds delay) {
    std::this_thread::sleep_for(delay);
    pid_t session = ::getsid(pid);
    auto tree = dspace::process_tree(pid);
    ::kill(pid, SIGKILL);
    for (pid_t p : tree)
        if (p != pid && ::getsid(p) == session) ::kill(p, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
}

//! The next commands after a kill: repair, then start the space if the kill left it stopped (a kill during
//! the clean stop of a snapshot leaves the server finishing its shutdown: wait for that first).
void recover(const TestHome &home, const std::string &space) {
    home.ok({"snapshot", "verify", "--repair"});
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!home.run({"shell", space, "--", "-c", "select 1"}).succeeded()) {
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        if (home.ok({"status", space, "--json"}).find("\"running\"") == std::string::npos) home.ok({"start", space});
        else std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    CHECK(home.run({"snapshot", "verify"}).succeeded());
}

//! Runs dspace with args, kills it after a random delay of up to max_delay_ms, and recovers space.
void kill_at_random(const TestHome &home, const std::string &space, const std::vector<std::string> &args, int max_delay_ms) {
    static std::mt19937 random{std::random_device{}()};
    int delay = std::uniform_int_distribution<int>(0, max_delay_ms)(random);
    INFO("dspace " << args.front() << " killed after " << delay << " ms");
    kill_after(spawn_dspace(args), std::chrono::milliseconds(delay));
    recover(home, space);
}

} // namespace

TEST_CASE("SIGKILL at random moments of a snapshot never leaves a half snapshot", "[integration][snapshot][kill]") {
    auto sql = postgres_sql();
    TestHome home;
    std::string state = create_with_items(home, sql, "k");
    for (int i = 0; i < kills_per_operation(); ++i) {
        INFO("kill " << i);
        kill_at_random(home, "k", {"snapshot", "k", "s" + std::to_string(i)}, 1000);
        CHECK(items_state(home, sql, "k") == state);
    }
    // Every snapshot that survived is complete and restores.
    std::string listed = home.ok({"snapshot", "ls", "k", "--json"});
    auto at = listed.rfind("\"name\": \"");
    if (at == std::string::npos) return;
    std::string last = listed.substr(at + 9, listed.find('"', at + 9) - at - 9);
    query(home, sql, "k", change_items);
    home.ok({"rollback", "k", "--to", last});
    CHECK(items_state(home, sql, "k") == state);
}

TEST_CASE("SIGKILL at random moments of a rollback leaves the before or the after data", "[integration][snapshot][kill]") {
    auto sql = postgres_sql();
    TestHome home;
    std::string state_a = create_with_items(home, sql, "k");
    std::string state_b = snapshot_then_change(home, sql, "k", "a");
    home.ok({"snapshot", "k", "b"});
    std::string current = state_b;
    for (int i = 0; i < kills_per_operation(); ++i) {
        std::string target = current == state_a ? "b" : "a";
        INFO("kill " << i << " of the rollback to " << target);
        kill_at_random(home, "k", {"rollback", "k", "--to", target}, 1200);
        current = items_state(home, sql, "k");
        CHECK((current == state_a || current == state_b));
    }
    CHECK_THAT(home.ok({"snapshot", "ls", "k"}), Contains(" a ") && Contains(" b "));
}

TEST_CASE("SIGKILL at random moments of snapshot rm and gc never damages another snapshot", "[integration][snapshot][kill]") {
    auto sql = postgres_sql();
    TestHome home;
    std::string state_a = create_with_items(home, sql, "k");
    std::string state_b = snapshot_then_change(home, sql, "k", "a");
    home.ok({"snapshot", "k", "b"});
    for (int i = 0; i < kills_per_operation(); ++i) {
        INFO("kill " << i);
        query(home, sql, "k", "insert into items values (" + std::to_string(1000 + i) + ", 'garbage')");
        std::string doomed = "t" + std::to_string(i);
        home.ok({"snapshot", "k", doomed});
        bool gc_alone = i % 2 == 1;
        if (gc_alone) home.ok({"snapshot", "rm", "k", doomed}); // then kill the collection of its blocks by itself
        std::vector<std::string> args = gc_alone ? std::vector<std::string>{"snapshot", "gc"} : std::vector<std::string>{"snapshot", "rm", "k", doomed};
        kill_at_random(home, "k", args, 400);
    }
    home.ok({"snapshot", "gc"});
    CHECK(home.run({"snapshot", "verify"}).succeeded()); // reads every block of every snapshot left
    home.ok({"rollback", "k", "--to", "a"});
    CHECK(items_state(home, sql, "k") == state_a);
    home.ok({"rollback", "k", "--to", "b"});
    CHECK(items_state(home, sql, "k") == state_b);
}
