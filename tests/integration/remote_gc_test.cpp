// `dspace remote gc` through the real dspace program: a file:// remote holding two pushed PostgreSQL snapshots,
// one of them then removed from the remote.
#include "support.hpp"
#include "support/s3_server.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <chrono>
#include <filesystem>
#include <fstream>
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

//! Makes every file below root look written two hours ago.
void age_files(const stdfs::path &root) {
    auto then = stdfs::file_time_type::clock::now() - std::chrono::hours(2);
    for (const auto &entry : stdfs::recursive_directory_iterator(root))
        if (entry.is_regular_file()) stdfs::last_write_time(entry.path(), then);
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
