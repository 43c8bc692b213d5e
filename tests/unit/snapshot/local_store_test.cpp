// The local snapshot store on a temp directory: publish only when complete, recovery, verify, copy, remove.
#include <dspace/core/error.hpp>
#include <dspace/core/snapshot_store.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace dspace;
namespace stdfs = std::filesystem;

namespace {

//! A store in a fresh directory removed at the end of the test.
struct TempStore {
    stdfs::path root;
    std::unique_ptr<SnapshotStore> store;
    TempStore() {
        char pattern[] = "/tmp/dspace-store-XXXXXX";
        root = ::mkdtemp(pattern);
        store = make_local_snapshot_store(root);
    }
    ~TempStore() { stdfs::remove_all(root); }

    //! Stages snapshot name of space "s" with one payload file; returns the staging area.
    StagedSnapshot staged(const std::string &name, const std::string &content) {
        StagedSnapshot s = store->stage("s", name);
        std::ofstream(s.payload_dir / "file") << content;
        return s;
    }
    //! Stages and publishes.
    void publish(const std::string &name, const std::string &content, bool replace = false) {
        StagedSnapshot s = staged(name, content);
        SnapshotManifest m;
        m.space = "s";
        m.name = name;
        m.created = "2026-01-01T00:00:0" + std::to_string(name.size()) + ".000Z";
        m.files = scan_payload(s.payload_dir);
        try {
            store->publish(s, m, replace);
        } catch (const Error &) {
            store->discard(s); // as SnapshotService does
            throw;
        }
    }
};

} // namespace

TEST_CASE("a staged snapshot is invisible until published") {
    TempStore t;
    StagedSnapshot s = t.staged("a", "x");
    CHECK_FALSE(t.store->exists("s", "a"));
    CHECK(t.store->list("s").empty());
    t.store->discard(s);
    CHECK_FALSE(stdfs::exists(s.dir));
    t.publish("a", "x");
    CHECK(t.store->exists("s", "a"));
    REQUIRE(t.store->list("").size() == 1);
    CHECK(t.store->read("s", "a").files.at(0).path == "file");
}

TEST_CASE("publishing over an existing snapshot needs replace") {
    TempStore t;
    t.publish("a", "old");
    CHECK_THROWS_AS(t.publish("a", "new"), Error);
    t.publish("a", "new", true);
    std::ifstream in(t.store->payload_dir("s", "a") / "file");
    std::string content;
    in >> content;
    CHECK(content == "new");
    CHECK(t.store->verify("s", false).empty());
}

TEST_CASE("recovery deletes staging leftovers and brings back a replaced snapshot whose successor never arrived") {
    TempStore t;
    t.publish("a", "old");
    StagedSnapshot s = t.staged("b", "y");
    stdfs::rename(t.root / "s" / "a", t.root / "s" / ".replaced-a-123");
    CHECK(t.store->verify("s", false).size() == 2);
    t.store->recover("s");
    CHECK_FALSE(stdfs::exists(s.dir));
    CHECK(t.store->exists("s", "a"));
    CHECK(t.store->verify("s", false).empty());
}

TEST_CASE("verify finds missing, changed and extra payload files and corrupt manifests; repair removes them") {
    TempStore t;
    t.publish("a", "1");
    t.publish("bb", "2");
    t.publish("ccc", "3");
    t.publish("dddd", "4");
    stdfs::remove(t.store->payload_dir("s", "a") / "file");
    std::ofstream(t.store->payload_dir("s", "bb") / "file") << "changed";
    std::ofstream(t.store->payload_dir("s", "ccc") / "extra") << "x";
    std::ofstream(t.root / "s" / "dddd" / "manifest.json") << "{";
    auto problems = t.store->verify("s", false);
    REQUIRE(problems.size() == 4);
    CHECK(problems[0].description.find("missing") != std::string::npos);
    CHECK(problems[1].description.find("checksum") != std::string::npos);
    CHECK(problems[2].description.find("not in the manifest") != std::string::npos);
    CHECK(problems[3].description.find("manifest.json") != std::string::npos);
    CHECK(t.store->list("s").size() == 3); // the corrupt one is not listed
    t.store->verify("s", true);
    CHECK(t.store->verify("s", false).empty());
    CHECK(t.store->list("s").empty());
}

TEST_CASE("copy shares the payload under a new name and space; remove deletes only that snapshot") {
    TempStore t;
    t.publish("a", "1");
    t.store->copy("s", "a", "other", "b");
    SnapshotManifest copied = t.store->read("other", "b");
    CHECK(copied.space == "other");
    CHECK(copied.name == "b");
    CHECK(t.store->verify("", false).empty());
    CHECK_THROWS_AS(t.store->copy("s", "a", "other", "b"), Error);
    t.store->remove("s", "a");
    CHECK_FALSE(t.store->exists("s", "a"));
    CHECK(t.store->exists("other", "b"));
    CHECK_THROWS_AS(t.store->read("s", "a"), Error);
}
