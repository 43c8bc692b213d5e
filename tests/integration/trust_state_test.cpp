// Trustworthy state against a real PostgreSQL: restores verify before they destroy, one damaged space does not
// block the others, copies fail loudly on a full disk, an incomplete template spare is rebuilt, config is checked.
#include "support.hpp"

#include "support/mutate.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using dspace_test::query;
using dspace_test::TestHome;
using Catch::Matchers::Contains;
namespace stdfs = std::filesystem;

namespace {

//! The largest payload file of snapshot a that is the same inode in snapshot b (shared by rsync's --link-dest).
stdfs::path largest_shared_file(const stdfs::path &a, const stdfs::path &b) {
    stdfs::path best;
    std::uintmax_t best_size = 0;
    for (const auto &entry : stdfs::recursive_directory_iterator(a)) {
        if (!entry.is_regular_file()) continue;
        auto relative = stdfs::relative(entry.path(), a);
        struct stat sa {}, sb {};
        if (::stat(entry.path().c_str(), &sa) != 0 || ::stat((b / relative).c_str(), &sb) != 0) continue;
        if (sa.st_ino == sb.st_ino && static_cast<std::uintmax_t>(sa.st_size) > best_size) {
            best = relative;
            best_size = static_cast<std::uintmax_t>(sa.st_size);
        }
    }
    return best;
}

//! Overwrites 8 bytes in the middle of file, keeping its size.
void damage_8_bytes(const stdfs::path &file) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(stdfs::file_size(file) / 2));
    f.write("DAMAGED!", 8);
}

//! Waits up to 30 s for the template spare in home to be complete (its marker written).
bool wait_for_spare_at(const stdfs::path &home) {
    for (int i = 0; i < 300; ++i) {
        std::error_code ec;
        for (const auto &entry : stdfs::directory_iterator(home / "cache" / "templates", ec))
            if (entry.path().filename().string().find(".spare.complete") != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

} // namespace

TEST_CASE("restores verify the snapshot before they destroy: a damaged file is named and the space kept", "[integration][trust]") {
    TestHome home;
    home.ok({"create", "s", "--flavour", "postgres"});
    query(home, "s", "create table t(id int primary key, v text); insert into t select g, md5(g::text) from generate_series(1, 20000) g");
    home.ok({"snapshot", "s", "one", "--snapshotter", "rsync"});
    home.ok({"snapshot", "s", "two", "--snapshotter", "rsync"});
    stdfs::path snapshots = home.path() / "snapshots" / "s";
    stdfs::path shared = largest_shared_file(snapshots / "one" / "payload", snapshots / "two" / "payload");
    REQUIRE_FALSE(shared.empty());
    damage_8_bytes(snapshots / "one" / "payload" / shared);
    query(home, "s", "insert into t values (20001, 'after')");

    for (const std::vector<std::string> &args : {std::vector<std::string>{"rollback", "s", "--to", "one"},
                                                 std::vector<std::string>{"create", "n", "--from-snapshot", "s/one"},
                                                 std::vector<std::string>{"copy", "s", "n2", "--snapshot", "two"}}) {
        auto r = home.run(args);
        INFO(args.front() << ": " << r.err);
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.err, Contains(shared.string()));
        CHECK_THAT(r.err, Contains("damaged"));
    }
    CHECK_THAT(dspace_test::status_field(home, "s", "status"), Contains("running"));
    CHECK(query(home, "s", "select count(*) from t") == "20001");
    CHECK_THAT(home.ok({"list"}), !Contains("n2"));

    auto verified = home.run({"snapshot", "verify", "s"});
    CHECK(verified.exit_code == 1);
    CHECK_THAT(verified.out, Contains("s/one:"));
    CHECK_THAT(verified.out, Contains("s/two:"));
    CHECK_THAT(verified.out, Contains(shared.string()));
}

TEST_CASE("a damaged space.json shows as damaged; every other space and verb keeps working; rm --force removes it", "[integration][trust]") {
    TestHome home;
    // An unrelated live process whose pid the damaged file names: it must never be signalled.
    pid_t bystander = ::fork();
    if (bystander == 0) {
        ::execl("/bin/sleep", "sleep", "120", static_cast<char *>(nullptr));
        ::_exit(127);
    }
    stdfs::create_directories(home.path() / "spaces" / "bad");
    std::ofstream(home.path() / "spaces" / "bad" / "space.json") << R"({"name": "bad", "flavour": "postgres", "pid": )" << bystander << "}";

    home.ok({"create", "good", "--flavour", "postgres"});
    std::string listed = home.ok({"list"});
    CHECK_THAT(listed, Contains("bad"));
    CHECK_THAT(listed, Contains("damaged"));
    CHECK_THAT(listed, Contains("good"));
    std::string json = home.ok({"list", "--json"});
    CHECK_THAT(json, Contains(R"("status":"damaged")"));
    CHECK_THAT(json, Contains(R"("error":")"));
    home.ok({"snapshot", "good", "snap"});
    home.ok({"copy", "good", "copied"});
    home.ok({"snapshot", "verify", "--repair"});
    CHECK(query(home, "copied", "select 1") == "1");
    auto status = home.run({"status", "bad"});
    CHECK(status.exit_code == 1);
    CHECK_THAT(status.err, Contains("space.json"));

    home.ok({"rm", "--force", "bad"});
    CHECK_THAT(home.ok({"list"}), !Contains("bad"));
    CHECK(::kill(bystander, 0) == 0); // still alive: nothing was signalled on a damaged file's word
    ::kill(bystander, SIGKILL);
    ::waitpid(bystander, nullptr, 0);
}

TEST_CASE("config set refuses unknown keys and wrong types; a wrong-typed config.json names the key", "[integration][trust]") {
    TestHome home;
    auto unknown = home.run({"config", "set", "snapshots.default_snapshoter", "rsync"});
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Contains("did you mean 'snapshots.default_snapshotter'?"));
    CHECK(home.run({"config", "set", "plugins.search_paths", "/x"}).exit_code == 2);
    home.ok({"config", "set", "flavours.postgres.anything", "x"}); // a loaded flavour's own section
    CHECK(home.run({"config", "set", "flavours.nosuch.anything", "x"}).exit_code == 2);

    std::ofstream(home.path() / "config.json") << R"({"snapshots": 5})";
    auto listed = home.run({"list"});
    CHECK(listed.exit_code == 1);
    CHECK_THAT(listed.err, Contains("'snapshots' must be a JSON object"));
    CHECK_THAT(listed.err, !Contains("internal error"));
}

TEST_CASE("fuzz through dspace: damaged space.json, manifest.json and config.json give a clean error or a result", "[integration][trust][fuzz]") {
    TestHome home;
    std::uint64_t seed = dspace_test::fuzz_seed();
    WARN("DSPACE_TEST_SEED=" << seed);
    dspace_test::JsonMutator mutator(seed);
    stdfs::path space = home.path() / "spaces" / "db";
    stdfs::path snapshot = home.path() / "snapshots" / "db" / "one";
    stdfs::create_directories(space);
    stdfs::create_directories(snapshot / "payload");
    std::ofstream(snapshot / "payload" / "f") << "abc";
    const std::string state = R"({"name": "db", "flavour": "postgres", "version": "15", "port": 5999, "user": "u", "database": "d", "pid": 0})";
    const std::string manifest = R"({"space": "db", "name": "one", "flavour": "postgres", "server_version": "15", "snapshotter": "rsync",
        "method": "physical", "created": "2026-01-01T00:00:00.000Z", "size_bytes": 3,
        "files": [{"path": "f", "size": 3, "xxh3_128": "00000000000000000000000000000000"}]})";
    const std::string config = R"({"snapshots": {"default_snapshotter": "rsync"}, "plugins": {"search_paths": []}})";
    const std::vector<std::pair<stdfs::path, std::string>> files{
        {space / "space.json", state}, {snapshot / "manifest.json", manifest}, {home.path() / "config.json", config}};
    const std::vector<std::vector<std::string>> verbs{{"list", "--json"}, {"status", "db"}, {"snapshot", "ls", "--json"},
                                                      {"snapshot", "verify"}, {"config", "list"}};
    int rounds = dspace_test::fuzz_rounds(50);
    for (int i = 0; i < rounds; ++i) {
        for (const auto &[file, valid] : files) std::ofstream(file, std::ios::trunc) << valid;
        const auto &[file, valid] = files[static_cast<std::size_t>(i) % files.size()];
        std::string damaged = mutator.mutate(valid);
        std::ofstream(file, std::ios::trunc | std::ios::binary) << damaged;
        const auto &args = verbs[static_cast<std::size_t>(i / 3) % verbs.size()];
        auto r = home.run(args, 60);
        INFO("round " << i << ", seed " << seed << ", " << file.filename() << " = " << damaged << "\ndspace " << args.front()
                      << ": " << r.exit_code << "\n" << r.out << r.err);
        REQUIRE(r.exit_code >= 0); // no signal
        CHECK(r.exit_code <= 2);
        CHECK_THAT(r.err, !Contains("internal error"));
        if (r.exit_code != 0) CHECK_THAT(r.err, Contains("error: ") || Contains("hint: "));
    }
}

TEST_CASE("a copy on a full disk fails loudly and leaves nothing; a damaged template spare is rebuilt", "[integration][trust]") {
    if (::geteuid() != 0) {
        WARN("skipped: mounting a small tmpfs needs root");
        return;
    }
    dspace_test::TempDir mount_point("dspace-tmpfs-", 0711);
    // Template + spare + a space fit (~25 MB each) with ~90 MB of table and WAL; a copy of that space does not.
    if (::mount("tmpfs", mount_point.path().c_str(), "tmpfs", 0, "size=200m,mode=0711") != 0) {
        WARN("skipped: cannot mount a tmpfs here: " << std::strerror(errno));
        return;
    }
    struct Unmount {
        const stdfs::path &dir;
        ~Unmount() {
            dspace_test::run_dspace({"rm", "--all", "--force"}, 120, {{"DSPACE_HOME", (dir / "home").string()}});
            ::umount2(dir.c_str(), MNT_DETACH);
        }
    } unmount{mount_point.path()};
    TestHome outer; // only for its environment and cleanup; the home used is on the tmpfs
    std::vector<std::pair<std::string, std::string>> env{{"DSPACE_HOME", (mount_point.path() / "home").string()}};
    auto run = [&](const std::vector<std::string> &args) { return dspace_test::run_dspace(args, 180, env); };
    stdfs::create_directory(mount_point.path() / "home");
    ::chmod((mount_point.path() / "home").c_str(), 0711);

    REQUIRE(run({"create", "a", "--flavour", "postgres"}).exit_code == 0);
    REQUIRE(wait_for_spare_at(mount_point.path() / "home"));
    // Damage the spare: the next create must not use it, and must work.
    stdfs::path templates = mount_point.path() / "home" / "cache" / "templates";
    stdfs::path spare;
    for (const auto &e : stdfs::directory_iterator(templates))
        if (e.path().extension() == ".spare") spare = e.path();
    REQUIRE_FALSE(spare.empty());
    stdfs::resize_file(spare / "PG_VERSION", 0);
    REQUIRE(run({"create", "b", "--flavour", "postgres"}).exit_code == 0);
    auto b = run({"shell", "b", "--", "-At", "-c", "select 1"});
    CHECK(b.out == "1\n");
    REQUIRE(wait_for_spare_at(mount_point.path() / "home"));
    CHECK(stdfs::file_size(spare / "PG_VERSION") > 0); // rebuilt complete

    // Grow a until a copy of it cannot fit, then copy it.
    REQUIRE(run({"rm", "b"}).exit_code == 0);
    auto grown = run({"shell", "a", "--", "-At", "-c",
                      "create table big as select g, repeat(md5(g::text), 8) as v from generate_series(1, 150000) g"});
    INFO(grown.err);
    REQUIRE(grown.exit_code == 0);
    auto copied = run({"copy", "a", "c"});
    INFO(copied.err);
    CHECK(copied.exit_code == 1);
    CHECK_THAT(copied.err, Contains("No space left on device"));
    CHECK_FALSE(stdfs::exists(mount_point.path() / "home" / "spaces" / "c"));
    auto still = run({"shell", "a", "--", "-At", "-c", "select count(*) from big"});
    CHECK(still.out == "150000\n");
}
