// Interrupted work restores the source: SIGINT/SIGTERM during a snapshot or copy removes the partial output,
// brings the source space back to how it was (running or paused) and says so; after a SIGKILL the next command
// does the same from the intent recorded in the space.
#include "kill_support.hpp"
#include "snapshot_items.hpp"

#include <dspace/core/fs.hpp>
#include <dspace/core/process.hpp>

#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <thread>

using namespace snapshot_test;
using dspace_test::status_field;
using Catch::Matchers::Contains;

namespace {

//! Runs dspace with args, sends signal after delay, and returns its exit code and stderr.
dspace_test::RunResult signal_after(const TestHome &home, const std::vector<std::string> &args, int signal, std::chrono::milliseconds delay) {
    auto err_file = home.path() / "stderr.txt";
    pid_t pid = kill_test::spawn_dspace(args, err_file.string());
    std::this_thread::sleep_for(delay);
    ::kill(pid, signal);
    int status = 0;
    ::waitpid(pid, &status, 0);
    dspace_test::RunResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.err = dspace::fs::read_file(err_file);
    return result;
}

//! Signals `dspace args` at delays narrowed down between "too early" and "too late" until one run is interrupted
//! (dspace caught the signal and exited 1); returns that run. A run that finished first (exit 0), or that the
//! signal killed outright (before dspace set up its handling, or after it finished its work), is undone with
//! undo (which must tolerate nothing to undo) and tells which way to move.
dspace_test::RunResult interrupt(const TestHome &home, const std::vector<std::string> &args, int signal,
                                 const std::function<void()> &undo) {
    int early = 0, late = 600; // milliseconds
    for (int attempt = 0; attempt < 12; ++attempt) {
        int delay_ms = (early + late) / 2;
        auto run = signal_after(home, args, signal, std::chrono::milliseconds(delay_ms));
        if (run.exit_code > 0) return run;
        undo();
        (run.exit_code == 0 ? late : early) = delay_ms;
    }
    FAIL("dspace " << args.front() << " was never interrupted: it finished before the signal or the signal killed it outright");
    return {};
}

} // namespace

TEST_CASE("SIGINT or SIGTERM during a snapshot or copy removes the partial output and brings the source back",
          "[integration][interrupt]") {
    for (const auto &sql : installed_flavours()) {
        for (std::string before : {"running", "paused"}) {
            INFO(sql.flavour << ", space " << before);
            TestHome home;
            std::string state = create_with_items(home, sql, "s");
            if (before == "paused") home.ok({"pause", "s"});

            auto snapshot = interrupt(home, {"snapshot", "s", "interrupted"}, SIGINT, [&] { (void)home.run({"snapshot", "rm", "s", "interrupted"}); });
            CHECK(snapshot.exit_code == 1);
            CHECK_THAT(snapshot.err, Contains("was interrupted") && Contains("partial output was removed") && Contains(before + " as before"));
            CHECK(status_field(home, "s", "status") == before);
            CHECK_THAT(home.ok({"snapshot", "ls", "s"}), !Contains("interrupted"));
            CHECK(home.run({"snapshot", "verify"}).succeeded()); // no staging directory left

            auto copy = interrupt(home, {"copy", "s", "c"}, SIGTERM, [&] { (void)home.run({"rm", "c"}); });
            CHECK(copy.exit_code == 1);
            CHECK_THAT(copy.err, Contains("was interrupted") && Contains(before + " as before"));
            CHECK(status_field(home, "s", "status") == before);
            CHECK_FALSE(home.run({"status", "c"}).succeeded());
            CHECK_FALSE(std::filesystem::exists(home.path() / "spaces" / "c"));
            if (before == "paused") home.ok({"resume", "s"});
            CHECK(items_state(home, sql, "s") == state);
        }
    }
}

TEST_CASE("after a SIGKILL the next command brings back the server a snapshot or copy had changed", "[integration][interrupt]") {
    TestHome home;
    home.ok({"create", "s", "--flavour", "postgres"});
    auto intent = home.path() / "spaces" / "s" / ".server-intent";
    struct Case {
        const char *left, *recorded, *expected;
    };
    for (auto c : {Case{"stopped", "running stop", "running"}, Case{"stopped", "paused stop", "paused"},
                   Case{"paused", "running freeze", "running"}, Case{"running", "stopped start", "stopped"},
                   Case{"running", "paused thaw", "paused"}}) {
        INFO("left " << c.left << ", intent '" << c.recorded << "'");
        if (std::string(c.left) == "stopped") home.ok({"stop", "s"});
        if (std::string(c.left) == "paused") home.ok({"pause", "s"});
        dspace::fs::write_file_atomic(intent, std::string(c.recorded) + "\n", 0600);
        home.ok({"list"});
        CHECK(status_field(home, "s", "status") == c.expected);
        CHECK_FALSE(std::filesystem::exists(intent));
        if (std::string(c.expected) == "paused") home.ok({"resume", "s"});
        if (std::string(c.expected) == "stopped") home.ok({"start", "s"});
    }
}

TEST_CASE("a removal killed after the space was renamed is finished by the next command", "[integration][rm]") {
    TestHome home;
    home.ok({"create", "s", "--flavour", "postgres"});
    home.ok({"stop", "s"});
    auto tombstone = home.path() / "spaces" / ".deleted-999999-1-s";
    std::filesystem::rename(home.path() / "spaces" / "s", tombstone);
    CHECK(home.ok({"list", "--json"}) == "[]\n");
    CHECK_FALSE(std::filesystem::exists(tombstone));
}
