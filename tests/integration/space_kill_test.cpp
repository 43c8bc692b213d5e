// Killing dspace with SIGKILL at moments spread over rm, create, copy and create --from-snapshot, on every
// installed flavour: the next command sees the old or the new state (the space listed and whole, or gone), no
// server runs untracked, the source of a copy runs again by itself, and no file holding a password is left.
#include "kill_support.hpp"
#include "snapshot_items.hpp"

using namespace kill_test;
using snapshot_test::create_with_items;
using snapshot_test::installed_flavours;
using snapshot_test::items_state;

TEST_CASE("SIGKILL during rm leaves the space whole or gone", "[integration][kill][rm]") {
    for (const auto &sql : installed_flavours()) {
        INFO(sql.flavour);
        TestHome home;
        int n = kills_per_operation();
        home.ok({"create", "victim", "--flavour", sql.flavour});
        auto span = duration_of(home, {"rm", "victim"});
        for (int i = 0; i < n; ++i) {
            if (listed(home).count("victim") == 0) home.ok({"create", "victim", "--flavour", sql.flavour});
            auto delay = spread_delay(i, n, span);
            INFO("rm killed after " << delay.count() << " ms");
            run_killed({"rm", "victim"}, delay);
            check_after_kill(home, sql, true);
        }
    }
}

TEST_CASE("SIGKILL during create leaves the space whole or gone, and no server untracked", "[integration][kill][create]") {
    for (const auto &sql : installed_flavours()) {
        INFO(sql.flavour);
        TestHome home;
        int n = kills_per_operation();
        home.ok({"create", "fresh", "--flavour", sql.flavour}); // the first create also makes the template
        home.ok({"rm", "fresh"});
        auto span = duration_of(home, {"create", "fresh", "--flavour", sql.flavour});
        home.ok({"rm", "fresh"});
        for (int i = 0; i < n; ++i) {
            auto delay = spread_delay(i, n, span);
            INFO("create killed after " << delay.count() << " ms");
            run_killed({"create", "fresh", "--flavour", sql.flavour}, delay);
            if (check_after_kill(home, sql, false).count("fresh")) home.ok({"rm", "fresh"});
        }
    }
}

TEST_CASE("SIGKILL during copy or create --from-snapshot leaves the copy whole or gone and the source running",
          "[integration][kill][copy]") {
    for (const auto &sql : installed_flavours()) {
        for (bool from_snapshot : {false, true}) {
            INFO(sql.flavour << (from_snapshot ? ", create --from-snapshot" : ", copy"));
            TestHome home;
            std::string state = create_with_items(home, sql, "src");
            std::vector<std::string> args{"copy", "src", "dup"};
            if (from_snapshot) {
                home.ok({"snapshot", "src", "snap"});
                args = {"create", "dup", "--from-snapshot", "src/snap"};
            }
            int n = kills_per_operation();
            auto span = duration_of(home, args);
            home.ok({"rm", "dup"});
            for (int i = 0; i < n; ++i) {
                auto delay = spread_delay(i, n, span);
                INFO("killed after " << delay.count() << " ms");
                run_killed(args, delay);
                auto spaces = check_after_kill(home, sql, false);
                CHECK(items_state(home, sql, "src") == state);
                if (!spaces.count("dup")) continue;
                CHECK(items_state(home, sql, "dup") == state);
                home.ok({"rm", "dup"});
            }
        }
    }
}
