// Killing dspace with SIGKILL at moments spread over a snapshot (every snapshotter, every installed flavour) and
// at random moments of a rollback (also one that swaps in a warm spare, and the spare's refresh) never leaves a
// half state: after the next command's recovery the space runs, its data is the before or the after state, and
// every listed snapshot is complete.
#include "kill_support.hpp"
#include "snapshot_items.hpp"

using namespace snapshot_test;
using namespace kill_test;
using dspace_test::postgres_sql;
using dspace_test::query;
using Catch::Matchers::Contains;

namespace {

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

TEST_CASE("SIGKILL during a snapshot never leaves a half snapshot nor the space stopped", "[integration][snapshot][kill]") {
    for (const auto &sql : installed_flavours()) {
        for (std::string snapshotter : {"blocks", "rsync", "tar", "pg_dump"}) {
            INFO(sql.flavour << ", " << snapshotter);
            TestHome home;
            std::string state = create_with_items(home, sql, "k");
            int n = snapshotter == "blocks" ? block_engine_kills() : kills_per_operation(); // blocks: the default snapshotter
            auto span = duration_of(home, {"snapshot", "k", "timed", "--snapshotter", snapshotter});
            for (int i = 0; i < n; ++i) {
                auto delay = spread_delay(i, n, span);
                INFO("snapshot killed after " << delay.count() << " ms");
                run_killed({"snapshot", "k", "s" + std::to_string(i), "--snapshotter", snapshotter}, delay);
                home.ok({"snapshot", "verify", "--repair"});
                check_after_kill(home, sql, false); // the next command brought the space back by itself
                CHECK(items_state(home, sql, "k") == state);
                CHECK(home.run({"snapshot", "verify"}).succeeded());
            }
            // Every snapshot that survived is complete and restores.
            std::string snapshots = home.ok({"snapshot", "ls", "k", "--json"});
            auto at = snapshots.rfind("\"name\": \"");
            REQUIRE(at != std::string::npos);
            std::string last = snapshots.substr(at + 9, snapshots.find('"', at + 9) - at - 9);
            query(home, sql, "k", change_items);
            home.ok({"rollback", "k", "--to", last});
            CHECK(items_state(home, sql, "k") == state);
        }
    }
}

TEST_CASE("SIGKILL at random moments of a rollback leaves the before or the after data", "[integration][snapshot][kill]") {
    auto sql = postgres_sql();
    TestHome home;
    std::string state_a = create_with_items(home, sql, "k");
    std::string state_b = snapshot_then_change(home, sql, "k", "a");
    home.ok({"snapshot", "k", "b"});
    std::string current = state_b;
    for (int i = 0; i < block_engine_kills(); ++i) {
        std::string target = current == state_a ? "b" : "a";
        INFO("kill " << i << " of the rollback to " << target);
        kill_at_random(home, "k", {"rollback", "k", "--to", target}, 1200);
        current = items_state(home, sql, "k");
        CHECK((current == state_a || current == state_b));
    }
    CHECK_THAT(home.ok({"snapshot", "ls", "k"}), Contains(" a ") && Contains(" b "));
}

TEST_CASE("SIGKILL at random moments of a warm spare's refresh and of the rollback that swaps it in leaves the before or the "
          "after data", "[integration][snapshot][kill]") {
    auto sql = postgres_sql();
    TestHome home;
    home.ok({"config", "set", "snapshotters.blocks.warm_spare", "on"});
    std::string state_a = create_with_items(home, sql, "k");
    snapshot_then_change(home, sql, "k", "a");
    for (int i = 0; i < block_engine_kills(); ++i) {
        INFO("kill " << i);
        kill_at_random(home, "k", {"_spare", "k", "a"}, 600); // the hidden verb the background refresh runs
        if (i % 2 == 0) home.ok({"_spare", "k", "a"}); // a whole spare; else the rollback may find one cut short
        query(home, sql, "k", "insert into items values (" + std::to_string(2000 + i) + ", 'changed')");
        std::string changed = items_state(home, sql, "k");
        kill_at_random(home, "k", {"rollback", "k", "--to", "a"}, 400);
        std::string current = items_state(home, sql, "k");
        CHECK((current == state_a || current == changed));
    }
    home.ok({"rollback", "k", "--to", "a"});
    CHECK(items_state(home, sql, "k") == state_a);
}

TEST_CASE("SIGKILL at random moments of snapshot rm and gc never damages another snapshot", "[integration][snapshot][kill]") {
    auto sql = postgres_sql();
    TestHome home;
    std::string state_a = create_with_items(home, sql, "k");
    std::string state_b = snapshot_then_change(home, sql, "k", "a");
    home.ok({"snapshot", "k", "b"});
    for (int i = 0; i < 2 * block_engine_kills(); ++i) { // each second kill is of gc alone
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
