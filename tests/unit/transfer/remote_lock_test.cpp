// Lock objects at a remote: their format, when one is stale, which kinds exclude which, and RemoteLock over a
// real file:// destination.
#include "support/temp_dir.hpp"
#include "../../../core/src/transfer/remote_lock.hpp"

#include <dspace/core/error.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <unistd.h>

using namespace dspace::transfer;
using Catch::Matchers::Contains;
using dspace_test::TempDir;
namespace stdfs = std::filesystem;

TEST_CASE("remote lock objects: JSON that reads back, keys of 32 hex digits", "[push][gc]") {
    LockRecord lock{"push", "build-7", 4242, 1700000000, 1700000060, "a-boot-id", "4242-99"};
    LockRecord back = decode_lock(encode_lock(lock), "test");
    CHECK(back.boot == "a-boot-id");
    CHECK(back.process == "4242-99");
    CHECK(back.kind == "push");
    CHECK(back.host == "build-7");
    CHECK(back.pid == 4242);
    CHECK(back.created == 1700000000);
    CHECK(back.refreshed == 1700000060);
    CHECK_THROWS_AS(decode_lock("{\"kind\": \"push\"}", "test"), dspace::Error);
    CHECK_THROWS_AS(decode_lock("not json", "test"), dspace::Error);

    std::string id(32, 'a');
    CHECK(lock_key(id) == "locks/" + id + ".json");
    CHECK(is_lock_key(lock_key(id)));
    CHECK_FALSE(is_lock_key("locks/" + std::string(31, 'a') + ".json"));
    CHECK_FALSE(is_lock_key("locks/" + std::string(32, 'A') + ".json"));
    CHECK_FALSE(is_lock_key("locks/" + id + ".json.tmp-1"));
    CHECK_FALSE(is_lock_key("packs/" + id + ".json"));
}

TEST_CASE("remote locks go stale 30 minutes after their last write; gc runs alone, pushes together", "[push][gc]") {
    const std::int64_t now = 1700000000;
    CHECK(lock_is_fresh(now - 10, now));
    CHECK(lock_is_fresh(now - 29 * 60, now));
    CHECK_FALSE(lock_is_fresh(now - 30 * 60, now));
    CHECK_FALSE(lock_is_fresh(now - 5 * 3600, now));
    CHECK(lock_is_fresh(now + 120, now)); // written by a clock ahead of this one: fresh
    CHECK(lock_is_fresh(0, now));         // age unknown: taken for fresh
    CHECK(lock_is_fresh(now - 50, now, std::chrono::seconds(60)));
    CHECK_FALSE(lock_is_fresh(now - 60, now, std::chrono::seconds(60)));

    CHECK_FALSE(lock_excludes("push", "push"));
    CHECK(lock_excludes("push", "gc"));
    CHECK(lock_excludes("push", "unknown"));
    CHECK(lock_excludes("gc", "push"));
    CHECK(lock_excludes("gc", "gc"));
}

TEST_CASE("RemoteLock over file://: written, listed, refused beside an excluding lock, stale ones ignored, removed", "[push][gc]") {
    TempDir root("dspace-locks-");
    auto storage = dspace::open_storage("file://" + root.path().string());
    dspace::Remote remote{"team", storage->url()};
    auto locks = [&] { return storage->list("locks/"); };
    {
        RemoteLock first(*storage, remote, "push");
        RemoteLock second(*storage, remote, "push"); // pushes share the remote
        auto held = locks();
        REQUIRE(held.size() == 2);
        for (const auto &object : held) {
            CHECK(is_lock_key(object.key));
            LockRecord record = decode_lock(storage->get_bytes(object.key), object.key);
            CHECK(record.kind == "push");
            CHECK(record.pid == long(::getpid()));
            CHECK(record.refreshed >= record.created);
        }
        try {
            RemoteLock gc(*storage, remote, "gc");
            FAIL("gc took its lock beside two pushes");
        } catch (const dspace::Error &e) {
            CHECK_THAT(std::string(e.what()), Contains("in use by a push from") && Contains("nothing was removed"));
            CHECK_THAT(e.hint(), Contains("dspace remote gc team"));
        }
        CHECK(locks().size() == 2); // the refused gc's own lock is gone again
        first.check_held();
    }
    CHECK(locks().empty());
    CHECK_FALSE(stdfs::exists(root.path() / "locks")); // its directory pruned with the last lock

    std::optional<RemoteLock> gc;
    gc.emplace(*storage, remote, "gc");
    try {
        RemoteLock push(*storage, remote, "push");
        FAIL("a push took its lock beside a gc");
    } catch (const dspace::Error &e) {
        CHECK_THAT(std::string(e.what()), Contains("being cleaned up by a `remote gc` from") && Contains("nothing was pushed"));
    }
    std::string gc_key = locks().at(0).key;
    stdfs::last_write_time(root.path() / gc_key, stdfs::file_time_type::clock::now() - std::chrono::hours(2)); // its command was killed
    {
        RemoteLock push(*storage, remote, "push");
        REQUIRE(push.stale().size() == 1);
        CHECK(push.stale()[0].key == gc_key);
        CHECK(push.stale()[0].record.kind == "gc");
        CHECK(push.stale()[0].age_seconds >= 2 * 3600 - 60);
        CHECK_THAT(describe_lock(push.stale()[0]), Contains("a `remote gc` from") && Contains("2 h ago"));
    }
    storage->remove(gc_key); // as if the killed gc's lock were removed by the next gc: the push notices
    RemoteLock push(*storage, remote, "push");
    gc.reset(); // its destructor finds its lock already gone: no error
    for (const auto &object : locks()) storage->remove(object.key);
    CHECK_THROWS_WITH(push.check_held(), Contains("is gone"));
}

TEST_CASE("RemoteLock refreshes: a refreshed lock is fresh again, a lock gone meanwhile fails the command", "[push][gc]") {
    TempDir root("dspace-locks-");
    auto storage = dspace::open_storage("file://" + root.path().string());
    dspace::Remote remote{"team", storage->url()};
    RemoteLock push(*storage, remote, "push", std::chrono::seconds(0)); // due at every call
    std::string key = storage->list("locks/").at(0).key;
    stdfs::last_write_time(root.path() / key, stdfs::file_time_type::clock::now() - std::chrono::hours(2)); // as if asleep
    RemoteLock(*storage, remote, "gc"); // stale: ignored
    push.refresh_if_due();
    CHECK_THROWS_WITH(RemoteLock(*storage, remote, "gc"), Contains("in use by a push from"));
    storage->remove(key); // a gc took it for stale
    CHECK_THROWS_WITH(push.refresh_if_due(), Contains("is gone") && Contains("took it for stale"));
    CHECK(storage->list("locks/").empty()); // not written again
}

TEST_CASE("a lock whose command died on this machine is stale at once; other machines' locks are judged by age", "[push][gc]") {
    TempDir root("dspace-locks-");
    auto storage = dspace::open_storage("file://" + root.path().string());
    dspace::Remote remote{"team", storage->url()};
    std::string own_key;
    LockRecord own;
    {
        RemoteLock push(*storage, remote, "push");
        own_key = storage->list("locks/").at(0).key;
        own = decode_lock(storage->get_bytes(own_key), own_key);
        CHECK_FALSE(lock_holder_gone(own)); // this very process
    }
    LockRecord dead = own;
    dead.kind = "gc";
    dead.process = "999999999-1"; // no such process: a killed gc of this machine
    CHECK(lock_holder_gone(dead));
    LockRecord elsewhere = dead;
    elsewhere.host = "another-machine";
    CHECK_FALSE(lock_holder_gone(elsewhere));
    LockRecord other_boot = dead;
    other_boot.boot = "an-earlier-boot";
    CHECK_FALSE(lock_holder_gone(other_boot));

    storage->put_bytes(own_key, encode_lock(dead)); // fresh by its age, but its gc was killed
    {
        RemoteLock push(*storage, remote, "push");
        REQUIRE(push.stale().size() == 1);
        CHECK(push.stale()[0].key == own_key);
    }
    storage->put_bytes(own_key, encode_lock(elsewhere)); // a gc running on another machine
    CHECK_THROWS_WITH(RemoteLock(*storage, remote, "push"), Contains("being cleaned up"));
}
