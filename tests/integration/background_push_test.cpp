// `dspace push --background` and `dspace push --status` through the real dspace program, with a PostgreSQL space
// and file:// remotes (one that works, one whose directory cannot be made).
#include "push_status_support.hpp"
#include "support.hpp"
#include "support/temp_dir.hpp"

#include <dspace/core/lock.hpp>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <csignal>
#include <fstream>
#include <thread>

using Catch::Matchers::Contains;
using dspace_test::TempDir;
using dspace_test::TestHome;

TEST_CASE("push --background returns at once and push --status shows it done or failed with its error", "[push][background]") {
    TempDir remote("dspace-remote-");
    TempDir broken("dspace-broken-");
    std::ofstream(broken.path() / "file") << "not a directory";
    TestHome home;
    home.ok({"create", "app", "--flavour", "postgres"});
    dspace_test::query(home, "app", "create table items as select g as id, md5(g::text) as v from generate_series(1, 50000) g");
    home.ok({"snapshot", "app", "s1"});
    home.ok({"remote", "add", "team", "file://" + remote.path().string()});
    home.ok({"remote", "add", "down", "file://" + (broken.path() / "file" / "remote").string()});
    CHECK_THAT(home.ok({"push", "--status"}), Contains("no background pushes"));

    auto started = std::chrono::steady_clock::now();
    CHECK_THAT(home.ok({"push", "app", "s1", "--to", "team", "--background"}), Contains("in the background"));
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
    auto states = dspace_test::wait_for_pushes(home);
    CHECK(states["app/s1"] == "done");
    CHECK_THAT(home.ok({"snapshot", "ls", "--remote", "team"}), Contains("s1"));
    CHECK_THAT(home.ok({"push", "--status"}), Contains("app/s1") && Contains("done"));
    {
        rapidjson::Document listed;
        listed.Parse(home.ok({"push", "--status", "--json"}).c_str());
        REQUIRE(listed.IsArray());
        REQUIRE(listed.Size() == 1);
        const auto &r = listed[0];
        CHECK_THAT(std::string(r["id"].GetString()), Catch::Matchers::StartsWith("app.s1."));
        std::string updated = r["updated"].GetString(); // ISO-8601 UTC, written when the push finished
        std::tm tm{};
        const char *end = ::strptime(updated.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
        REQUIRE(end != nullptr);
        CHECK(*end == '\0');
        CHECK(std::abs(std::int64_t(::timegm(&tm)) - std::int64_t(std::time(nullptr))) < 300);
    }

    home.ok({"push", "app", "s1", "--to", "down", "--background"});
    dspace_test::wait_for_pushes(home);
    rapidjson::Document doc;
    doc.Parse(home.ok({"push", "--status", "--json"}).c_str());
    REQUIRE(doc.IsArray());
    int failed = 0;
    for (const auto &r : doc.GetArray())
        if (std::string(r["remote"].GetString()) == "down") {
            ++failed;
            CHECK(std::string(r["state"].GetString()) == "failed");
            CHECK_THAT(std::string(r["error"].GetString()), Contains(broken.path().string()));
        }
    CHECK(failed == 1);
    CHECK_THAT(home.ok({"push", "--status"}), Contains("failed:"));

    CHECK(home.run({"push", "app", "nope", "--to", "team", "--background"}).exit_code == 1); // reported now, not later
    CHECK(home.run({"push", "--status", "app"}).exit_code == 2);
    CHECK(home.run({"push"}).exit_code == 2);
}

TEST_CASE("a killed background push shows as failed and a second one of the same snapshot is refused while it runs", "[push][background]") {
    TempDir remote("dspace-remote-");
    TestHome home;
    home.ok({"create", "app", "--flavour", "postgres"});
    home.ok({"snapshot", "app", "s1"});
    home.ok({"remote", "add", "team", "file://" + remote.path().string()});
    home.ok({"snapshot", "ls", "--remote", "team"}); // makes the remote's local state directory
    std::filesystem::path state_dir;
    for (const auto &entry : std::filesystem::directory_iterator(home.path() / "transfer"))
        if (entry.path().filename() != "pushes") state_dir = entry.path();
    REQUIRE_FALSE(state_dir.empty());
    auto worker_pid = [&] {
        for (const auto &entry : std::filesystem::directory_iterator(home.path() / "transfer" / "pushes")) {
            if (entry.path().extension() != ".json") continue;
            std::ifstream in(entry.path());
            rapidjson::Document doc;
            doc.Parse(std::string((std::istreambuf_iterator<char>(in)), {}).c_str());
            if (doc.IsObject() && std::string(doc["state"].GetString()) == "running") return pid_t(doc["pid"].GetInt64());
        }
        return pid_t(0);
    };
    {
        // Holding the remote's lock keeps the worker waiting, running, until it is killed.
        dspace::FileLock held(state_dir / "lock", "the remote (held by the test)");
        home.ok({"push", "app", "s1", "--to", "team", "--background"});
        pid_t pid = 0;
        for (int i = 0; i < 100 && !(pid = worker_pid()); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        REQUIRE(pid > 0);
        std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
        std::string args((std::istreambuf_iterator<char>(cmdline)), {});
        REQUIRE(args.find("_push") != std::string::npos); // our worker, nothing else
        CHECK(dspace_test::push_states(home)["app/s1"] == "running");
        auto again = home.run({"push", "app", "s1", "--to", "team", "--background"});
        CHECK(again.exit_code == 1);
        CHECK_THAT(again.err, Contains("already being pushed"));
        ::kill(pid, SIGKILL);
        for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(dspace_test::push_states(home)["app/s1"] == "failed");
    CHECK_THAT(home.ok({"push", "--status"}), Contains("stopped before the push finished"));
    home.ok({"push", "app", "s1", "--to", "team", "--background"}); // runs again, resuming
    CHECK(dspace_test::wait_for_pushes(home)["app/s1"] == "done");
    CHECK_THAT(home.ok({"snapshot", "ls", "--remote", "team"}), Contains("s1"));
}
