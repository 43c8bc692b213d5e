// `dspace remote gc` through the real dspace program: a file:// remote holding two pushed PostgreSQL snapshots,
// one of them then removed from the remote.
#include "support.hpp"
#include "support/s3_server.hpp"
#include "push_status_support.hpp"
#include "support/temp_dir.hpp"

#include <dspace/core/storage.hpp>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <chrono>
#include <ctime>
#include <sys/inotify.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <thread>

using Catch::Matchers::Contains;
using dspace_test::TempDir;
using dspace_test::TestHome;
namespace stdfs = std::filesystem;

namespace {

//! The keys of every regular file below root (temporary files included).
std::set<std::string> keys_below(const stdfs::path &root) {
    std::set<std::string> out;
    for (const auto &entry : stdfs::recursive_directory_iterator(root))
        if (entry.is_regular_file()) out.insert(stdfs::relative(entry.path(), root).generic_string());
    return out;
}

//! The directories below root that are empty.
std::set<std::string> empty_dirs_below(const stdfs::path &root) {
    std::set<std::string> out;
    for (const auto &entry : stdfs::recursive_directory_iterator(root))
        if (entry.is_directory() && !entry.is_symlink() && stdfs::is_empty(entry.path())) out.insert(stdfs::relative(entry.path(), root).generic_string());
    return out;
}

//! Two hours ago, by the file system's clock: older than any lock's staleness limit.
stdfs::file_time_type two_hours_ago() { return stdfs::file_time_type::clock::now() - std::chrono::hours(2); }

//! Makes every file below root look written two hours ago.
void age_files(const stdfs::path &root) {
    auto then = two_hours_ago();
    for (const auto &entry : stdfs::recursive_directory_iterator(root))
        if (entry.is_regular_file()) stdfs::last_write_time(entry.path(), then);
}

//! Makes the object at key (from the bucket's root) of s3's bucket look written two hours ago: s3rver reports its
//! file's mtime as the object's LastModified.
void age_s3rver_object(const dspace_test::S3Server &s3, const std::string &key) {
    stdfs::path file = s3.data_dir() / s3.bucket() / key;
    file.replace_filename(file.filename().string() + "._S3rver_object");
    REQUIRE(stdfs::exists(file));
    stdfs::last_write_time(file, two_hours_ago());
}

//! Writes a small file at path (its directory created).
void write_file(const stdfs::path &path) {
    stdfs::create_directories(path.parent_path());
    std::ofstream(path) << "partial";
}

//! The keys `remote gc --json` reports removed (or, dry, to remove).
std::set<std::string> gc_removed(const TestHome &home, const std::vector<std::string> &extra) {
    std::vector<std::string> args{"remote", "gc", "team", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    rapidjson::Document doc;
    doc.Parse(home.ok(args).c_str());
    REQUIRE(doc.IsObject());
    std::set<std::string> keys;
    for (const auto &object : doc["removed"].GetArray()) keys.insert(object["key"].GetString());
    return keys;
}

//! The bytes of a lock object of kind that host's command (pid 4242) wrote just now, as push and gc write them.
std::string lock_json(const std::string &kind, const std::string &host) {
    std::string now = std::to_string(std::time(nullptr));
    return "{\"kind\":\"" + kind + "\",\"host\":\"" + host + "\",\"pid\":4242,\"created\":" + now + ",\"refreshed\":" + now + "}\n";
}

//! The key of a lock object (locks/<32 hex digits>.json), numbered n.
std::string lock_key(int n) {
    std::string id = std::to_string(n);
    return "locks/" + std::string(32 - id.size(), '0') + id + ".json";
}

//! The names that arrived in dir (created or renamed into it) and were deleted from it while fn ran.
std::pair<std::set<std::string>, std::set<std::string>> names_through(const stdfs::path &dir, const std::function<void()> &fn) {
    int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(::inotify_add_watch(fd, dir.c_str(), IN_CREATE | IN_MOVED_TO | IN_DELETE) >= 0);
    fn();
    std::set<std::string> arrived, deleted;
    alignas(inotify_event) char buffer[65536];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;)
        for (char *at = buffer; at < buffer + n;) {
            auto *event = reinterpret_cast<inotify_event *>(at);
            if (event->len > 0) ((event->mask & IN_DELETE) ? deleted : arrived).insert(event->name);
            at += sizeof(inotify_event) + event->len;
        }
    ::close(fd);
    return {arrived, deleted};
}

} // namespace

TEST_CASE("remote gc removes only the packs no remaining snapshot uses and only once older than the grace period", "[push][gc]") {
    TempDir remote("dspace-remote-");
    std::string checksum_sql = "select count(*) || '/' || md5(string_agg(v, ',' order by id)) from items";
    std::string checksum;
    {
        TestHome home;
        home.ok({"create", "app", "--flavour", "postgres"});
        dspace_test::query(home, "app", "create table items(id int primary key, v text); "
                                        "insert into items select g, md5(g::text) || repeat('x', 200) from generate_series(1, 20000) g");
        checksum = dspace_test::query(home, "app", checksum_sql);
        home.ok({"snapshot", "app", "s1"});
        dspace_test::query(home, "app", "update items set v = md5(v) || repeat('y', 200)");
        home.ok({"snapshot", "app", "s2"});
        home.ok({"remote", "add", "team", "file://" + remote.path().string()});
        home.ok({"push", "app", "s1", "--to", "team"});
        auto after_s1 = keys_below(remote.path());
        home.ok({"push", "app", "s2", "--to", "team"});
        std::set<std::string> s2_packs; // the packs s2's push added: only s2 uses their blocks
        for (const auto &key : keys_below(remote.path()))
            if (key.rfind("packs/", 0) == 0 && !after_s1.count(key)) s2_packs.insert(key);
        REQUIRE_FALSE(s2_packs.empty());

        // s2 leaves the remote (its manifest first, as a removal must); a killed put left a temporary file.
        CHECK_THAT(home.ok({"snapshot", "rm", "app", "s2", "--remote", "team"}), Contains("removed from 'team'"));
        for (const auto &key : keys_below(remote.path())) CHECK(key.rfind("snapshots/app/s2/", 0) != 0);
        CHECK_FALSE(stdfs::exists(remote.path() / "snapshots/app/s2")); // its emptied directories too
        CHECK(home.run({"snapshot", "rm", "app", "s2", "--remote", "team"}).exit_code == 1); // gone already
        CHECK(home.ok({"snapshot", "ls", "app"}).find("s2") != std::string::npos);     // the local one stays
        write_file(remote.path() / "packs/00/.killed.pack.tmp.999");
        auto before_gc = keys_below(remote.path());

        // Everything is young: the default grace (1h) keeps it all.
        CHECK(gc_removed(home, {}).empty());
        CHECK_THAT(home.ok({"remote", "gc", "team"}), Contains("freed 0 B"));
        CHECK(keys_below(remote.path()) == before_gc);

        write_file(remote.path() / "snapshots/app/s3/payload/base/1"); // a push killed before its manifest
        age_files(remote.path());
        write_file(remote.path() / "packs/00/.young.pack.tmp.998"); // a put in progress right now
        std::set<std::string> expected = s2_packs;
        expected.insert("snapshots/app/s3/payload/base/1");
        expected.insert("packs/00/.killed.pack.tmp.999");
        auto dry = gc_removed(home, {"--dry-run"});
        CHECK(dry == expected);
        CHECK(keys_below(remote.path()).size() == before_gc.size() + 2); // a dry run removes nothing

        auto removed = gc_removed(home, {});
        CHECK(removed == expected);
        CHECK(empty_dirs_below(remote.path()).empty()); // packs/<hh>/ of removed packs, snapshots/app/s3/ are gone
        CHECK_FALSE(stdfs::exists(remote.path() / "snapshots/app/s3"));
        auto left = keys_below(remote.path());
        for (const auto &key : expected) CHECK_FALSE(left.count(key));
        CHECK(left.count("packs/00/.young.pack.tmp.998"));
        CHECK(left.count("snapshots/app/s1/manifest.json"));
        std::this_thread::sleep_for(std::chrono::milliseconds(1100)); // the young leftover's second is over
        CHECK(gc_removed(home, {"--grace", "0s"}).size() == 1); // only the young leftover remained unused
        CHECK(home.run({"remote", "gc", "team", "--grace", "soon"}).exit_code == 2);
        home.ok({"rm", "app", "--force"});
    }
    TestHome home; // another machine: s1 still pulls whole and restores
    home.ok({"remote", "add", "team", "file://" + remote.path().string()});
    home.ok({"pull", "team", "app/s1"});
    home.ok({"create", "restored", "--from-snapshot", "app/s1"});
    CHECK(dspace_test::query(home, "restored", checksum_sql) == checksum);
    CHECK(home.run({"pull", "team", "app/s2"}).exit_code == 1);
}

TEST_CASE("remote gc on s3:// reads the objects' ages from the listing and keeps what the remaining snapshot uses", "[push][gc][s3]") {
    if (dspace_test::s3rver_program().empty()) {
        std::cout << "skipped: s3rver is not installed (scripts/bootstrap installs it: npm install -g s3rver@3.7.1)\n";
        return;
    }
    dspace_test::S3Server s3;
    TestHome home;
    home.ok({"create", "app", "--flavour", "postgres"});
    dspace_test::query(home, "app", "create table items(id int primary key, v text); "
                                    "insert into items select g, md5(g::text) || repeat('x', 200) from generate_series(1, 20000) g");
    std::string checksum = dspace_test::query(home, "app", "select md5(string_agg(v, ',' order by id)) from items");
    home.ok({"snapshot", "app", "s1"});
    dspace_test::query(home, "app", "update items set v = md5(v) || repeat('y', 200)");
    home.ok({"snapshot", "app", "s2"});
    home.ok({"remote", "add", "team", "s3://" + s3.bucket() + "/team"});
    home.ok({"push", "app", "s1", "--to", "team"});
    home.ok({"push", "app", "s2", "--to", "team"});
    home.ok({"snapshot", "rm", "app", "s2", "--remote", "team"}); // the blocks only s2 uses are in packs of their own
    CHECK(gc_removed(home, {}).empty()); // all younger than an hour
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    auto removed = gc_removed(home, {"--grace", "0s"});
    CHECK_FALSE(removed.empty());
    for (const auto &key : removed) CHECK(key.rfind("packs/", 0) == 0);
    CHECK(gc_removed(home, {"--grace", "0s"}).empty()); // nothing left to remove
    TestHome other; // another machine: every block comes from the remote
    other.ok({"remote", "add", "team", "s3://" + s3.bucket() + "/team"});
    other.ok({"pull", "team", "app/s1"});
    other.ok({"create", "restored", "--from-snapshot", "app/s1"});
    CHECK(dspace_test::query(other, "restored", "select md5(string_agg(v, ',' order by id)) from items") == checksum);
}

TEST_CASE("push and remote gc hold locks at a file:// remote: each refuses beside the other fresh one and stale ones are ignored and removed by gc", "[push][gc]") {
    TempDir remote("dspace-remote-");
    TestHome home;
    home.ok({"create", "app", "--flavour", "postgres"});
    dspace_test::query(home, "app", "create table items as select g as id from generate_series(1, 1000) g");
    home.ok({"snapshot", "app", "s1"});
    home.ok({"snapshot", "app", "s2"});
    home.ok({"remote", "add", "team", "file://" + remote.path().string()});

    // A real push writes its lock (before anything else at the remote but the layout marker) and removes it.
    stdfs::create_directories(remote.path() / "locks");
    auto [arrived, deleted] = names_through(remote.path() / "locks", [&] { home.ok({"push", "app", "s1", "--to", "team"}); });
    std::set<std::string> locks;
    for (const auto &name : arrived)
        if (name.find(".tmp") == std::string::npos) locks.insert(name);
    REQUIRE(locks.size() == 1);
    CHECK(locks.begin()->size() == 32 + 5);
    CHECK(deleted.count(*locks.begin()));
    CHECK_FALSE(stdfs::exists(remote.path() / "locks")); // nothing left, not even the directory

    // Another machine's push is in progress: gc refuses, removing nothing (its own lock neither).
    write_file(remote.path() / lock_key(1));
    std::ofstream(remote.path() / lock_key(1)) << lock_json("push", "build-7");
    age_files(remote.path() / "packs"); // unused packs would otherwise be old enough to go
    auto before = keys_below(remote.path());
    auto refused = home.run({"remote", "gc", "team", "--grace", "0s"});
    CHECK(refused.exit_code == 1);
    CHECK_THAT(refused.err, Contains("a push from build-7 (pid 4242") && Contains("nothing was removed") && Contains("dspace remote gc team"));
    CHECK(keys_below(remote.path()) == before);
    CHECK(home.run({"remote", "gc", "team", "--dry-run"}).exit_code == 1);

    // Killed two hours ago: stale, so gc reports it, removes it and runs.
    age_files(remote.path() / "locks");
    CHECK_THAT(home.ok({"remote", "gc", "team", "--dry-run"}), Contains("would remove " + lock_key(1) + " (stale lock of a push from build-7"));
    CHECK(stdfs::exists(remote.path() / lock_key(1)));
    CHECK(gc_removed(home, {}) == std::set<std::string>{lock_key(1)});
    CHECK_FALSE(stdfs::exists(remote.path() / "locks"));

    // A gc runs elsewhere: a push refuses, in the foreground and in the background, sending nothing.
    write_file(remote.path() / lock_key(2));
    std::ofstream(remote.path() / lock_key(2)) << lock_json("gc", "ops-1");
    before = keys_below(remote.path());
    auto pushed = home.run({"push", "app", "s2", "--to", "team"});
    CHECK(pushed.exit_code == 1);
    CHECK_THAT(pushed.err, Contains("being cleaned up by a `remote gc` from ops-1") && Contains("nothing was pushed"));
    home.ok({"push", "app", "s2", "--to", "team", "--background"});
    CHECK(dspace_test::wait_for_pushes(home)["app/s2"] == "failed");
    CHECK_THAT(home.ok({"push", "--status"}), Contains("being cleaned up"));
    CHECK(keys_below(remote.path()) == before);

    // That gc was killed: its stale lock is ignored by the push (and left to the next gc).
    age_files(remote.path() / "locks");
    home.ok({"push", "app", "s2", "--to", "team"});
    CHECK_THAT(home.ok({"snapshot", "ls", "--remote", "team"}), Contains("s2"));
    CHECK(keys_below(remote.path() / "locks") == std::set<std::string>{lock_key(2).substr(6)});
    CHECK_THAT(home.ok({"remote", "gc", "team"}), Contains("stale lock of a `remote gc` from ops-1"));
    CHECK_FALSE(stdfs::exists(remote.path() / "locks"));
}

TEST_CASE("push and remote gc on s3:// respect each other's fresh lock objects, pass stale ones (by LastModified) and leave none behind", "[push][gc][s3]") {
    if (dspace_test::s3rver_program().empty()) {
        std::cout << "skipped: s3rver is not installed (scripts/bootstrap installs it: npm install -g s3rver@3.7.1)\n";
        return;
    }
    dspace_test::S3Server s3;
    auto storage = dspace::open_storage("s3://" + s3.bucket() + "/team");
    TestHome home;
    home.ok({"create", "app", "--flavour", "postgres"});
    home.ok({"snapshot", "app", "s1"});
    home.ok({"remote", "add", "team", "s3://" + s3.bucket() + "/team"});
    home.ok({"push", "app", "s1", "--to", "team"});
    CHECK(storage->list("locks/").empty());

    storage->put_bytes(lock_key(1), lock_json("push", "build-7"));
    auto refused = home.run({"remote", "gc", "team"});
    CHECK(refused.exit_code == 1);
    CHECK_THAT(refused.err, Contains("a push from build-7"));
    CHECK(storage->list("locks/").size() == 1); // gc's own lock removed again
    // Its push was killed two hours ago (by the server's LastModified; the lock's own times say now): stale, so
    // gc removes it and runs.
    age_s3rver_object(s3, "team/" + lock_key(1));
    CHECK_THAT(home.ok({"remote", "gc", "team"}), Contains("stale lock of a push from build-7") && Contains("last refreshed 2 h ago"));
    CHECK(storage->list("locks/").empty());

    storage->put_bytes(lock_key(2), lock_json("gc", "ops-1"));
    home.ok({"snapshot", "app", "s2"});
    auto pushed = home.run({"push", "app", "s2", "--to", "team"});
    CHECK(pushed.exit_code == 1);
    CHECK_THAT(pushed.err, Contains("a `remote gc` from ops-1"));
    CHECK(storage->list("locks/").size() == 1);
    // That gc was killed two hours ago: the push ignores its stale lock, and the next gc removes it.
    age_s3rver_object(s3, "team/" + lock_key(2));
    home.ok({"push", "app", "s2", "--to", "team"});
    CHECK_THAT(home.ok({"snapshot", "ls", "--remote", "team"}), Contains("s2"));
    CHECK(storage->list("locks/").size() == 1);
    CHECK_THAT(home.ok({"remote", "gc", "team"}), Contains("stale lock of a `remote gc` from ops-1"));
    CHECK(storage->list("locks/").empty());
}
