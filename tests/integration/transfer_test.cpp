// `dspace push`, `dspace pull` and `dspace snapshot ls --remote` through the real dspace program, with real
// PostgreSQL and MariaDB spaces, a real S3 server (s3rver) and a file:// directory.
#include "kill_support.hpp"
#include "push_status_support.hpp"
#include "support.hpp"
#include "support/s3_server.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sys/mount.h>
#include <unistd.h>

using Catch::Matchers::Contains;
using dspace_test::FlavourSql;
using dspace_test::remote_snapshots;
using dspace_test::TempDir;
using dspace_test::TestHome;
namespace stdfs = std::filesystem;

namespace {

//! One flavour as the tests drive it: its client and SQL that fills and changes a table of rows.
struct Flavour {
    FlavourSql sql;                                    //!< its client
    std::string fill;                                  //!< creates table items with rows 1..{rows}
    std::string change;                                //!< rewrites rows 1..{rows}
    std::string checksum;                              //!< one value summing the table up
};

//! SQL with every "{rows}" replaced by rows.
std::string with_rows(std::string sql, int rows) {
    for (auto at = sql.find("{rows}"); at != std::string::npos; at = sql.find("{rows}")) sql.replace(at, 6, std::to_string(rows));
    return sql;
}

Flavour postgres() {
    return {dspace_test::postgres_sql(),
            "create table items(id int primary key, v text); "
            "insert into items select g, md5(g::text) || repeat('x', 200) from generate_series(1, {rows}) g",
            "update items set v = md5(v) || repeat('y', 200) where id <= {rows}",
            "select count(*) || '/' || md5(string_agg(v, ',' order by id)) from items"};
}

Flavour mariadb() {
    return {dspace_test::mysql_sql(),
            "create table items(id int primary key, v text); "
            "insert into items select seq, concat(md5(seq), repeat('x', 200)) from seq_1_to_{rows}",
            "update items set v = concat(md5(v), repeat('y', 200)) where id <= {rows}",
            "select concat(count(*), '/', md5(group_concat(v order by id separator ','))) from items"};
}

//! The flavours installed here (a missing MariaDB is skipped with a reason printed).
std::vector<Flavour> flavours() {
    std::vector<Flavour> out{postgres()};
    if (dspace_test::mariadb_installed()) out.push_back(mariadb());
    return out;
}

//! Runs sql in space, its output without the trailing newline.
std::string sql_of(const TestHome &home, const Flavour &flavour, const std::string &space, const std::string &sql) {
    std::string out = dspace_test::query(home, flavour.sql, space, sql);
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

//! Creates space of flavour with rows rows; returns the table's checksum.
std::string make_space(const TestHome &home, const Flavour &flavour, const std::string &space, int rows) {
    home.ok({"create", space, "--flavour", flavour.sql.flavour});
    dspace_test::query(home, flavour.sql, space, with_rows(flavour.fill, rows));
    return sql_of(home, flavour, space, flavour.checksum);
}

//! Every regular file below dir (relative path → size).
std::map<std::string, std::uintmax_t> files_below(const stdfs::path &dir) {
    std::map<std::string, std::uintmax_t> out;
    for (const auto &entry : stdfs::recursive_directory_iterator(dir))
        if (entry.is_regular_file()) out[stdfs::relative(entry.path(), dir).string()] = entry.file_size();
    return out;
}

//! A remote of each kind for a test: s3 (a running s3rver; skipped with a reason when it is not installed) or file.
struct TestRemote {
    std::unique_ptr<dspace_test::S3Server> s3;
    std::unique_ptr<TempDir> dir;
    std::string url;
};

std::vector<std::string> remote_kinds() {
    if (dspace_test::s3rver_program().empty()) {
        std::cout << "s3:// part skipped: s3rver is not installed (scripts/bootstrap installs it: npm install -g s3rver@3.7.1)\n";
        return {"file"};
    }
    return {"file", "s3"};
}

TestRemote make_remote(const std::string &kind) {
    TestRemote remote;
    if (kind == "s3") {
        remote.s3 = std::make_unique<dspace_test::S3Server>();
        remote.url = "s3://" + remote.s3->bucket() + "/team";
    } else {
        remote.dir = std::make_unique<TempDir>("dspace-remote-");
        remote.url = "file://" + remote.dir->path().string();
    }
    return remote;
}

//! Block ids (hex) of every pack index of a file:// remote, with the pack holding each; FAILs on a pack without index.
std::multimap<std::string, std::string> remote_blocks(const stdfs::path &root) {
    std::multimap<std::string, std::string> blocks;
    for (const auto &[path, size] : files_below(root / "packs")) {
        stdfs::path file = root / "packs" / path;
        if (file.extension() == ".pack") {
            INFO("pack " << path);
            CHECK(stdfs::exists(stdfs::path(file).replace_extension(".idx")));
            continue;
        }
        if (file.extension() != ".idx") continue; // .<key>.tmp.<pid>: what a killed put to file:// left
        std::ifstream in(file, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        REQUIRE(bytes.size() >= 16);
        REQUIRE(bytes.compare(0, 8, "DSRIDX01") == 0);
        for (std::size_t at = 16; at + 44 <= bytes.size(); at += 44) {
            static const char digits[] = "0123456789abcdef";
            std::string hex;
            for (int i = 0; i < 32; ++i) {
                auto byte = static_cast<unsigned char>(bytes[at + i]);
                hex += digits[byte >> 4];
                hex += digits[byte & 15];
            }
            blocks.emplace(hex, path);
        }
    }
    return blocks;
}

//! Checks that no block of a file:// remote is stored in two packs.
void check_each_block_once(const stdfs::path &root) {
    auto blocks = remote_blocks(root);
    std::set<std::string> distinct;
    for (const auto &[id, pack] : blocks) distinct.insert(id);
    CHECK_FALSE(blocks.empty());
    CHECK(distinct.size() == blocks.size());
}

} // namespace

TEST_CASE("push then snapshot ls --remote then pull carry postgres and mariadb snapshots through file:// and s3://", "[push][s3]") {
    for (const auto &kind : remote_kinds())
        for (const auto &flavour : flavours()) {
            INFO(flavour.sql.flavour << " through " << kind);
            TestRemote remote = make_remote(kind);
            std::string checksum;
            {
                TestHome home;
                checksum = make_space(home, flavour, "app", 5000);
                home.ok({"snapshot", "app", "s1", "-m", "before"});
                home.ok({"remote", "add", "team", remote.url});
                auto no_default = home.run({"push", "app", "s1"});
                CHECK(no_default.exit_code == 2);
                CHECK_THAT(no_default.err, Contains("no default remote"));
                home.ok({"config", "set", "storage.default_remote", "team"});
                CHECK_THAT(home.ok({"push", "app", "s1"}), Contains("pushed app/s1 to 'team'"));
                CHECK(remote_snapshots(home, "team") == std::vector<std::string>{"app/s1"});
                CHECK_THAT(home.ok({"push", "app", "s1", "--to", "team"}), Contains("already has snapshot app/s1"));
                home.ok({"rm", "app", "--force"});
            }
            TestHome home; // another machine: none of the blocks is here yet
            home.ok({"remote", "add", "team", remote.url});
            CHECK_THAT(home.ok({"pull", "team", "app/s1"}), Contains("pulled app/s1"));
            rapidjson::Document listed;
            listed.Parse(home.ok({"snapshot", "ls", "--json"}).c_str());
            REQUIRE(listed.IsArray());
            REQUIRE(listed.Size() == 1);
            CHECK(std::string(listed[0]["message"].GetString()) == "before");
            home.ok({"create", "restored", "--from-snapshot", "app/s1"});
            CHECK(sql_of(home, flavour, "restored", flavour.checksum) == checksum);
            // Pulled into an existing space of other credentials, it rolls that space back (re-keyed).
            home.ok({"create", "target", "--flavour", flavour.sql.flavour});
            home.ok({"pull", "team", "app/s1", "--as", "target/from-team"});
            home.ok({"rollback", "target", "--to", "from-team"});
            CHECK(sql_of(home, flavour, "target", flavour.checksum) == checksum);
            CHECK(home.run({"pull", "team", "app/s1", "--as", "target/from-team"}).exit_code == 1); // exists
        }
}

TEST_CASE("a second push after 1% of the rows changed sends only the changed blocks", "[push]") {
    for (const auto &flavour : flavours()) {
        INFO(flavour.sql.flavour);
        TempDir remote("dspace-remote-");
        TestHome home;
        constexpr int rows = 300000;
        make_space(home, flavour, "app", rows);
        home.ok({"remote", "add", "team", "file://" + remote.path().string()});
        home.ok({"snapshot", "app", "s1"});
        home.ok({"push", "app", "s1", "--to", "team"});
        auto first = files_below(remote.path());
        std::uintmax_t first_bytes = 0;
        for (const auto &[path, size] : first) first_bytes += size;
        dspace_test::query(home, flavour.sql, "app", with_rows(flavour.change, rows / 100));
        home.ok({"snapshot", "app", "s2"});
        home.ok({"push", "app", "s2", "--to", "team"});
        std::uintmax_t new_bytes = 0;
        for (const auto &[path, size] : files_below(remote.path())) {
            INFO(path);
            if (first.count(path)) CHECK(first[path] == size); // nothing stored is rewritten
            else new_bytes += size;
        }
        std::uintmax_t snapshot_bytes = 0; // the data directory s2 holds
        for (const auto &[path, size] : files_below(home.path() / "spaces" / "app" / "data")) snapshot_bytes += size;
        double share = static_cast<double>(new_bytes) / static_cast<double>(snapshot_bytes);
        INFO("second push stored " << new_bytes << " bytes: " << share * 100 << "% of the snapshot's " << snapshot_bytes << " bytes, "
                                   << 100.0 * static_cast<double>(new_bytes) / static_cast<double>(first_bytes) << "% of the "
                                   << first_bytes << " bytes the first push stored (blocks seen twice are stored once)");
        CHECK(share <= 0.03);
        check_each_block_once(remote.path());
    }
}

TEST_CASE("a push killed at any moment resumes without sending anything twice and is listed only once complete", "[push][kill]") {
    int kills = kill_test::kills_per_operation() / 4; // 5, or 15 with DSPACE_TEST_LONG=1
    TestHome home;
    make_space(home, postgres(), "app", 100000);
    home.ok({"snapshot", "app", "s1"});
    auto span = std::chrono::milliseconds(0);
    {
        TempDir probe("dspace-remote-");
        home.ok({"remote", "add", "probe", "file://" + probe.path().string()});
        span = kill_test::duration_of(home, {"push", "app", "s1", "--to", "probe"});
        home.ok({"remote", "rm", "probe"});
    }
    for (int i = 0; i < kills; ++i) {
        TempDir remote("dspace-remote-");
        std::string name = "r" + std::to_string(i);
        home.ok({"remote", "add", name, "file://" + remote.path().string()});
        auto delay = kill_test::spread_delay(i, kills, span);
        INFO("kill " << i << " after " << delay.count() << " ms of " << span.count());
        kill_test::run_killed({"push", "app", "s1", "--to", name}, delay);
        auto listed = remote_snapshots(home, name);
        bool complete = stdfs::exists(remote.path() / "snapshots/app/s1/manifest.json");
        CHECK(listed == (complete ? std::vector<std::string>{"app/s1"} : std::vector<std::string>{}));
        std::map<std::string, stdfs::file_time_type> before; // objects stored before the kill: never sent again
        for (const auto &[path, size] : files_below(remote.path()))
            if (path.rfind("packs/", 0) == 0) before[path] = stdfs::last_write_time(remote.path() / path);
        home.ok({"push", "app", "s1", "--to", name});
        CHECK(remote_snapshots(home, name) == std::vector<std::string>{"app/s1"});
        for (const auto &[path, time] : before) {
            INFO("object " << path);
            CHECK(stdfs::last_write_time(remote.path() / path) == time);
        }
        check_each_block_once(remote.path());
        home.ok({"remote", "rm", name});
    }
    // What was pushed restores.
    TempDir remote("dspace-remote-");
    home.ok({"remote", "add", "last", "file://" + remote.path().string()});
    home.ok({"push", "app", "s1", "--to", "last"});
    home.ok({"pull", "last", "app/s1", "--as", "back/s1"});
    home.ok({"create", "back", "--from-snapshot", "back/s1"});
    CHECK(sql_of(home, postgres(), "back", "select count(*) from items") == "100000");
}

TEST_CASE("pull detects a damaged block and names its pack and leaves nothing behind", "[push]") {
    TempDir remote("dspace-remote-");
    {
        TestHome home;
        make_space(home, postgres(), "app", 2000);
        home.ok({"snapshot", "app", "s1"});
        home.ok({"remote", "add", "team", "file://" + remote.path().string()});
        home.ok({"push", "app", "s1", "--to", "team"});
        home.ok({"rm", "app", "--force"});
    }
    std::string damaged;
    for (const auto &[path, size] : files_below(remote.path() / "packs"))
        if (stdfs::path(path).extension() == ".pack" && damaged.empty()) {
            damaged = "packs/" + path;
            std::fstream file(remote.path() / damaged, std::ios::in | std::ios::out | std::ios::binary);
            file.seekp(static_cast<std::streamoff>(size / 2));
            file.write("DAMAGED-BYTES", 13);
        }
    REQUIRE_FALSE(damaged.empty());
    TestHome home;
    home.ok({"remote", "add", "team", "file://" + remote.path().string()});
    auto pulled = home.run({"pull", "team", "app/s1"});
    CHECK(pulled.exit_code == 1);
    CHECK_THAT(pulled.err, Contains(damaged) && Contains("damaged"));
    CHECK(home.ok({"snapshot", "ls", "--json"}) == "[]\n");
    CHECK(files_below(home.path() / "snapshots").empty());
    std::error_code ec;
    for (const auto &entry : stdfs::recursive_directory_iterator(home.path() / "blocks" / "packs", ec)) {
        INFO("left in the block store: " << entry.path());
        CHECK_FALSE(entry.is_regular_file());
    }
}

//! A tmpfs of a given size mounted over a directory while it lives (root only).
class SmallDisk {
public:
    //! Mounts a tmpfs of megabytes MiB over dir; mounted() tells whether it worked.
    SmallDisk(const stdfs::path &dir, int megabytes) : dir_(dir) {
        std::string options = "size=" + std::to_string(megabytes) + "m,mode=0711";
        mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0;
    }
    ~SmallDisk() {
        if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    }
    SmallDisk(const SmallDisk &) = delete;
    SmallDisk &operator=(const SmallDisk &) = delete;
    //! True when the tmpfs is mounted.
    bool mounted() const { return mounted_; }
    //! Gives the mounted tmpfs a new size.
    bool resize(int megabytes) const {
        std::string options = "size=" + std::to_string(megabytes) + "m,mode=0711";
        return ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT | MS_NOSUID | MS_NODEV, options.c_str()) == 0;
    }

private:
    stdfs::path dir_;
    bool mounted_ = false;
};

TEST_CASE("a pull that fills the disk says so, leaves nothing half-made and succeeds once there is room", "[push]") {
    if (::geteuid() != 0) {
        std::cout << "skipped: a small disk for the pull is a tmpfs mount, which needs root\n";
        return;
    }
    TempDir remote("dspace-remote-");
    {
        TestHome home;
        make_space(home, postgres(), "app", 100000);
        home.ok({"snapshot", "app", "s1"});
        home.ok({"remote", "add", "team", "file://" + remote.path().string()});
        home.ok({"push", "app", "s1", "--to", "team"});
        home.ok({"rm", "app", "--force"});
    }
    TestHome home;
    SmallDisk disk(home.path(), 12);
    if (!disk.mounted()) {
        std::cout << "skipped: cannot mount a tmpfs over " << home.path() << " (" << std::strerror(errno) << ")\n";
        return;
    }
    home.ok({"remote", "add", "team", "file://" + remote.path().string()});
    auto pulled = home.run({"pull", "team", "app/s1"});
    INFO(pulled.err);
    CHECK(pulled.exit_code == 1);
    CHECK_THAT(pulled.err, Contains("No space left on device"));
    CHECK_THAT(pulled.err, Contains("hint:"));
    CHECK(home.ok({"snapshot", "ls", "--json"}) == "[]\n");
    std::uintmax_t left = 0;
    for (const auto &[path, size] : files_below(home.path())) left += size;
    CHECK(left < 1024 * 1024); // the partial packs and payload were removed
    REQUIRE(disk.resize(256));
    CHECK_THAT(home.ok({"pull", "team", "app/s1"}), Contains("pulled app/s1"));
    home.ok({"snapshot", "verify"}); // every block of the pulled snapshot is there and intact
}

TEST_CASE("push and pull explain a refused snapshotter and newer formats and bad credentials and a missing bucket and a down endpoint", "[push][s3]") {
    TempDir remote("dspace-remote-");
    TestHome home;
    make_space(home, postgres(), "app", 100);
    home.ok({"remote", "add", "team", "file://" + remote.path().string()});
    CHECK_THAT(home.ok({"push", "--help"}), Contains("Usage: dspace push NAME SNAP [--to REMOTE]"));
    CHECK_THAT(home.ok({"pull", "--help"}), Contains("Usage: dspace pull REMOTE NAME/SNAP [--as NAME/SNAP]"));
    CHECK_THAT(home.ok({"snapshot", "ls", "--help"}), Contains("--remote REMOTE"));
    CHECK(home.run({"pull", "team", "app"}).exit_code == 2); // not NAME/SNAP
    CHECK(home.run({"pull", "team", "app/s1", "--as", "../s1"}).exit_code == 2); // a name that is a path
    CHECK(home.run({"push", "../app", "s1", "--to", "team"}).exit_code == 2);
    CHECK_THAT(home.run({"push", "app", "nope", "--to", "team"}).err, Contains("has no snapshot 'nope'"));
    CHECK_THAT(home.run({"push", "app", "nope", "--to", "elsewhere"}).err, Contains("elsewhere"));
    home.ok({"snapshot", "app", "tarred", "--snapshotter", "tar"});
    auto refused = home.run({"push", "app", "tarred", "--to", "team"});
    CHECK(refused.exit_code == 1);
    CHECK_THAT(refused.err, Contains("snapshotter 'tar'") && Contains("--snapshotter blocks"));

    CHECK_THAT(home.ok({"snapshot", "app", "s1", "--push", "--to", "team"}), Contains("in the background")); // snapshot and push in one
    CHECK(dspace_test::wait_for_pushes(home)["app/s1"] == "done");
    CHECK(remote_snapshots(home, "team") == std::vector<std::string>{"app/s1"});
    if (dspace_test::mariadb_installed()) {
        home.ok({"create", "other", "--flavour", "mysql"});
        auto mismatch = home.run({"pull", "team", "app/s1", "--as", "other/s1"});
        CHECK(mismatch.exit_code == 1);
        CHECK_THAT(mismatch.err, Contains("which space 'other' (mysql"));
        home.ok({"rm", "other", "--force"});
    }
    auto manifest = remote.path() / "snapshots/app/s1/manifest.json";
    std::string text = [&] {
        std::ifstream in(manifest);
        return std::string((std::istreambuf_iterator<char>(in)), {});
    }();
    auto format = text.find("\"format\": 2");
    REQUIRE(format != std::string::npos);
    std::ofstream(manifest) << std::string(text).replace(format, 11, "\"format\": 99");
    auto newer = home.run({"pull", "team", "app/s1", "--as", "app/s2"});
    CHECK(newer.exit_code == 1);
    CHECK_THAT(newer.err, Contains("format 99, newer than this dspace reads"));
    std::ofstream(remote.path() / "dspace-remote.json") << "{\"layout\": 7}\n";
    CHECK_THAT(home.run({"snapshot", "ls", "--remote", "team"}).err, Contains("layout 7, newer than this dspace reads"));
    CHECK_THAT(home.run({"push", "app", "s1", "--to", "team"}).err, Contains("layout 7, newer than this dspace reads"));

    if (dspace_test::s3rver_program().empty()) {
        std::cout << "s3:// part skipped: s3rver is not installed (scripts/bootstrap installs it: npm install -g s3rver@3.7.1)\n";
        return;
    }
    dspace_test::S3Server server;
    home.ok({"remote", "add", "s3", "s3://" + server.bucket()});
    home.ok({"remote", "add", "nobucket", "s3://no-such-bucket"});
    auto missing = home.run({"push", "app", "s1", "--to", "nobucket"});
    CHECK(missing.exit_code == 1);
    CHECK_THAT(missing.err, Contains("bucket 'no-such-bucket' does not exist"));
    ::setenv("AWS_ACCESS_KEY_ID", "NO-SUCH-KEY", 1);
    auto wrong = home.run({"push", "app", "s1", "--to", "s3"});
    CHECK(wrong.exit_code == 1);
    CHECK_THAT(wrong.err, Contains("HTTP 403") && Contains("AWS_ACCESS_KEY_ID"));
    ::setenv("AWS_ACCESS_KEY_ID", "S3RVER", 1);
    home.ok({"push", "app", "s1", "--to", "s3"});
    server.stop();
    auto down = home.run({"pull", "s3", "app/s1", "--as", "app/s3"});
    CHECK(down.exit_code == 1);
    CHECK_THAT(down.err, Contains("cannot reach the S3 endpoint"));
    CHECK(home.ok({"snapshot", "ls", "app", "--json"}).find("\"s3\"") == std::string::npos);
}

TEST_CASE("a pull killed at any moment leaves no snapshot or the whole one and runs again", "[push][kill]") {
    int kills = kill_test::kills_per_operation() / 4; // 5, or 15 with DSPACE_TEST_LONG=1
    TempDir remote("dspace-remote-");
    std::string url = "file://" + remote.path().string();
    std::string checksum;
    {
        TestHome home;
        checksum = make_space(home, postgres(), "app", 100000);
        home.ok({"remote", "add", "team", url});
        home.ok({"snapshot", "app", "s1", "--push", "--to", "team"});
        REQUIRE(dspace_test::wait_for_pushes(home)["app/s1"] == "done");
        home.ok({"rm", "app", "--force"});
    }
    TestHome home;
    home.ok({"remote", "add", "team", url});
    auto span = kill_test::duration_of(home, {"pull", "team", "app/s1"});
    home.ok({"snapshot", "rm", "app", "s1"}); // its blocks go too: the next pull fetches them all again
    for (int i = 0; i < kills; ++i) {
        auto delay = kill_test::spread_delay(i, kills, span);
        INFO("kill " << i << " after " << delay.count() << " ms of " << span.count());
        kill_test::run_killed({"pull", "team", "app/s1"}, delay);
        // A listed snapshot is whole; the only other trace is a staging directory, which (as for `snapshot cp` to a
        // removed space) `snapshot verify --repair` and `dspace gc` remove.
        auto verified = home.run({"snapshot", "verify", "--json"});
        rapidjson::Document problems;
        problems.Parse(verified.out.c_str());
        REQUIRE(problems.IsArray());
        for (const auto &problem : problems.GetArray()) {
            INFO(problem["name"].GetString());
            CHECK(std::string(problem["problem"].GetString()) == "left over by an interrupted command");
        }
        home.ok({"snapshot", "verify", "--repair"});
        if (home.ok({"snapshot", "ls", "--json"}) == "[]\n") home.ok({"pull", "team", "app/s1"});
        CHECK(home.ok({"snapshot", "verify", "--json"}) == "[]\n");
        home.ok({"create", "back", "--from-snapshot", "app/s1"});
        CHECK(sql_of(home, postgres(), "back", postgres().checksum) == checksum);
        home.ok({"rm", "back", "--force"});
        home.ok({"snapshot", "rm", "app", "s1"});
    }
}
