// Killing dspace with SIGKILL at moments spread over `remote gc` and `snapshot rm --remote` (a file:// remote):
// every snapshot the remote still lists pulls whole into another home and verifies, a snapshot being removed is
// listed and pullable or not listed at all, and the command run again completes.
#include "kill_support.hpp"
#include "push_status_support.hpp"
#include "snapshot_items.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <thread>

using namespace kill_test;
using dspace_test::postgres_sql;
using dspace_test::remote_snapshots;
using dspace_test::TempDir;
using snapshot_test::create_with_items;
using snapshot_test::items_state;
using Catch::Matchers::Contains;

namespace {

//! A home with space app (snapshot s1 pushed) and the file:// remote team.
struct PushedSpace {
    TempDir remote{"dspace-remote-"};
    std::string url = "file://" + remote.path().string();
    TestHome home;
    std::string state = create_with_items(home, postgres_sql(), "app");
    PushedSpace() {
        home.ok({"remote", "add", "team", url});
        home.ok({"snapshot", "app", "s1"});
        home.ok({"push", "app", "s1", "--to", "team"});
    }
    //! Changes app's data (so snap has blocks of its own), snapshots it as snap and pushes it.
    void push_new(const std::string &snap) const {
        dspace_test::query(home, "app", "update items set name = md5(name || '" + snap + "') where id % 7 = 0");
        home.ok({"snapshot", "app", snap});
        home.ok({"push", "app", snap, "--to", "team"});
    }
    //! Every snapshot team lists pulls into another, empty home (each block from the remote) and verifies there.
    void check_published_pull() const {
        TempDir other("dspace-other-home-", 0711);
        std::vector<std::pair<std::string, std::string>> env{{"DSPACE_HOME", other.path().string()}};
        auto in_other = [&](const std::vector<std::string> &args) {
            auto ran = dspace_test::run_dspace(args, 180, env);
            INFO("dspace " << args.front() << " " << args.at(1) << " in another home: " << ran.err);
            CHECK(ran.succeeded());
        };
        in_other({"remote", "add", "team", url});
        for (const auto &snapshot : remote_snapshots(home, "team")) in_other({"pull", "team", snapshot});
        in_other({"snapshot", "verify"});
    }
};

bool lists(const std::vector<std::string> &snapshots, const std::string &snapshot) {
    return std::find(snapshots.begin(), snapshots.end(), snapshot) != snapshots.end();
}

} // namespace

TEST_CASE("SIGKILL during remote gc leaves every published snapshot pullable, and gc runs again",
          "[integration][kill][push][gc]") {
    PushedSpace pushed;
    const TestHome &home = pushed.home;
    pushed.push_new("k"); // published with s1, sharing most of its blocks
    // Before each gc: a snapshot pushed and removed from the remote, whose own blocks are garbage once a second
    // old (--grace 0s).
    auto make_garbage = [&](const std::string &snap) {
        pushed.push_new(snap);
        home.ok({"snapshot", "rm", "app", snap, "--remote", "team"});
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    };
    const std::vector<std::string> gc{"remote", "gc", "team", "--grace", "0s"};
    make_garbage("probe");
    auto span = duration_of(home, gc);
    kill_spread(span, [&](int i) {
        make_garbage("t" + std::to_string(i));
        return gc;
    }, [&](int) {
        CHECK(remote_snapshots(home, "team") == std::vector<std::string>{"app/s1", "app/k"});
        pushed.check_published_pull();
        home.ok(gc); // run again, it completes
    });
    pushed.check_published_pull();
    home.ok({"rollback", "app", "--to", "s1"});
    CHECK(items_state(home, postgres_sql(), "app") == pushed.state);
}

TEST_CASE("SIGKILL during snapshot rm --remote leaves the snapshot listed and pullable or not listed, and rm runs again",
          "[integration][kill][push][remote]") {
    PushedSpace pushed;
    const TestHome &home = pushed.home;
    auto rm_args = [](const std::string &snap) { return std::vector<std::string>{"snapshot", "rm", "app", snap, "--remote", "team"}; };
    pushed.push_new("probe");
    auto span = duration_of(home, rm_args("probe"));
    kill_spread(span, [&](int i) {
        pushed.push_new("t" + std::to_string(i));
        return rm_args("t" + std::to_string(i));
    }, [&](int i) {
        std::string snap = "t" + std::to_string(i);
        bool listed = lists(remote_snapshots(home, "team"), "app/" + snap);
        INFO("app/" << snap << (listed ? " is still listed" : " is no longer listed"));
        pushed.check_published_pull(); // app/s1, and app/tI when listed
        auto again = home.run(rm_args(snap));
        if (listed) CHECK(again.succeeded());
        else CHECK_THAT(again.err, Contains("has no snapshot 'app/" + snap + "'"));
        CHECK_FALSE(lists(remote_snapshots(home, "team"), "app/" + snap));
    });
    CHECK(remote_snapshots(home, "team") == std::vector<std::string>{"app/s1"});
    pushed.check_published_pull();
}
