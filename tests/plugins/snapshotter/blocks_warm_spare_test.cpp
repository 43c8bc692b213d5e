// The blocks snapshotter's warm spare, loaded from its built file: a refresh makes a copy of the snapshot beside
// the data directory; the next rollback to that snapshot swaps it in; a spare changed since, or a refresh cut
// short or at work, is never used; a swap cut short between its steps is finished by the next rollback; off
// removes it; random kills of refreshes and swaps never leave anything but the snapshot after the replay.
#include "blocks_fixture.hpp"

#include "reflink.hpp"
#include "sync_state.hpp"
#include "warm_spare.hpp"

#include <chrono>
#include <csignal>
#include <functional>
#include <sys/wait.h>
#include <cstdio>
#include <fcntl.h>
#include <thread>

using namespace snapshotter_test;

namespace {

constexpr const char *setting = "snapshotters.blocks.warm_spare";

//! A Blocks whose warm spare is kept wherever (setting "on"), with a random tree snapshotted once.
struct BlocksWithSpare {
    Blocks blocks;
    sdk::WarmSpare *spare = blocks.loaded.plugins.capability<sdk::WarmSpare>("blocks");
    stdfs::path spare_dir = blocks.data.parent_path() / "blocks.spare" / "data";
    std::mt19937 random{std::random_device{}()};
    std::string payload;
    std::map<std::string, std::string> expected;

    BlocksWithSpare() {
        REQUIRE(spare != nullptr);
        blocks.loaded.config.set(setting, "on");
        mutate(blocks.data, random, 40);
        expected = describe(blocks.data);
        payload = blocks.snapshot();
        // A file is trusted by its fingerprint only when its mtime is older than the sync that records it.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    //! refresh_spare for the snapshot; it must succeed.
    void refresh() {
        auto status = spare->refresh_spare(blocks.loaded.host, blocks.restore_job(payload, blocks.data));
        INFO(status.message());
        REQUIRE(status.ok());
    }
    //! restore_in_place alone (as the replay of a rollback's journal calls it); it must succeed.
    void replay() {
        auto status = blocks.in_place->restore_in_place(blocks.loaded.host, blocks.restore_job(payload, blocks.data));
        INFO(status.message());
        REQUIRE(status.ok());
    }
};

ino_t inode_of(const stdfs::path &path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st.st_ino;
}

} // namespace

TEST_CASE("blocks warm spare: a refresh copies the snapshot beside the data; the next rollback to it swaps it in") {
    BlocksWithSpare s;
    s.refresh();
    CHECK(describe(s.spare_dir) == s.expected);
    for (int round = 0; round < 3; ++round) {
        INFO("round " << round);
        mutate(s.blocks.data, s.random, 30);
        ino_t spare = inode_of(s.spare_dir), live = inode_of(s.blocks.data);
        s.blocks.roll_back(s.payload);
        CHECK(inode_of(s.blocks.data) == spare); // swapped in
        CHECK(inode_of(s.spare_dir) == live);    // the old data is the spare now
        CHECK(describe(s.blocks.data) == s.expected);
        // Each state went with its directory: the live data is trusted as synced with the snapshot.
        CHECK(dspace::blocks::recorded_identity(s.blocks.data.string()) == dspace::blocks::directory_identity(s.blocks.data.string()));
        s.refresh(); // rewrites the old data in place into the snapshot again
        CHECK(describe(s.spare_dir) == s.expected);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

TEST_CASE("blocks warm spare: a spare changed since its refresh, or whose refresh was cut short, is not used") {
    BlocksWithSpare s;
    s.refresh();
    SECTION("a file of the spare changed since, its mtime put back") {
        stdfs::path victim;
        for (const auto &entry : stdfs::recursive_directory_iterator(s.spare_dir))
            if (entry.is_regular_file() && entry.file_size() > 0) victim = entry.path();
        REQUIRE(!victim.empty());
        struct stat before {};
        REQUIRE(::stat(victim.c_str(), &before) == 0);
        std::fstream(victim, std::ios::in | std::ios::out | std::ios::binary).put('!');
        struct timespec times[2] = {before.st_atim, before.st_mtim};
        REQUIRE(::utimensat(AT_FDCWD, victim.c_str(), times, 0) == 0); // only its ctime tells
    }
    SECTION("an extra file in the spare") { write(s.spare_dir / "extra", "x", stdfs::perms::owner_read); }
    SECTION("a refresh cut short: the state is gone until it finishes") { stdfs::remove(s.spare_dir.parent_path() / "blocks.state"); }
    mutate(s.blocks.data, s.random, 30);
    ino_t live = inode_of(s.blocks.data);
    s.blocks.roll_back(s.payload);
    CHECK(inode_of(s.blocks.data) == live); // rolled back in place
    CHECK(describe(s.blocks.data) == s.expected);
    s.refresh(); // and the spare is made whole again
    CHECK(describe(s.spare_dir) == s.expected);
}

TEST_CASE("blocks warm spare: a rollback while a refresh holds the spare's lock leaves the spare alone") {
    BlocksWithSpare s;
    s.refresh();
    mutate(s.blocks.data, s.random, 30);
    ino_t live = inode_of(s.blocks.data), spare = inode_of(s.spare_dir);
    {
        dspace::blocks::SpareLock refreshing(s.blocks.data.string(), true); // as a refresh at work holds it
        REQUIRE(refreshing.held());
        CHECK_FALSE(dspace::blocks::SpareLock(s.blocks.data.string(), false).held());
        s.blocks.roll_back(s.payload);
    }
    CHECK(inode_of(s.blocks.data) == live); // rolled back in place
    CHECK(inode_of(s.spare_dir) == spare);
    CHECK(describe(s.blocks.data) == s.expected);
    mutate(s.blocks.data, s.random, 30);
    s.blocks.roll_back(s.payload); // the lock free again: the spare, still whole, is swapped in
    CHECK(inode_of(s.blocks.data) == spare);
    CHECK(describe(s.blocks.data) == s.expected);
}

TEST_CASE("blocks warm spare: a swap cut short after the directories were exchanged is finished by the next rollback") {
    BlocksWithSpare s;
    s.refresh();
    mutate(s.blocks.data, s.random, 30);
    // The crash: the directories exchanged, the states not yet (each is beside the other directory).
    REQUIRE(::renameat2(AT_FDCWD, s.blocks.data.c_str(), AT_FDCWD, s.spare_dir.c_str(), RENAME_EXCHANGE) == 0);
    CHECK(dspace::blocks::recorded_identity(s.blocks.data.string()) != dspace::blocks::directory_identity(s.blocks.data.string()));
    s.replay();
    CHECK(describe(s.blocks.data) == s.expected);
    CHECK(dspace::blocks::recorded_identity(s.blocks.data.string()) == dspace::blocks::directory_identity(s.blocks.data.string()));
    CHECK(dspace::blocks::recorded_identity(s.spare_dir.string()) == dspace::blocks::directory_identity(s.spare_dir.string()));
    s.refresh();
    CHECK(describe(s.spare_dir) == s.expected);
}

TEST_CASE("blocks warm spare: off removes the spare; auto keeps none where the file system cannot share blocks") {
    BlocksWithSpare s;
    s.refresh();
    REQUIRE(stdfs::exists(s.spare_dir));
    std::string mode = GENERATE(std::string("off"), std::string("auto"));
    INFO(mode);
    s.blocks.loaded.config.set(setting, mode);
    bool reflinks = dspace::blocks::reflink_granule(s.blocks.loaded.home.path().string() + "/blocks", s.blocks.data.string()) > 0;
    if (mode == "auto" && reflinks) WARN("the temporary directory shares blocks between files: auto keeps the spare there");
    s.refresh();
    CHECK(stdfs::exists(s.spare_dir.parent_path()) == (mode == "auto" && reflinks));
    CHECK(describe(s.blocks.data) == s.expected); // the live data is left alone
    s.blocks.loaded.config.set(setting, "sometimes");
    auto refused = s.spare->refresh_spare(s.blocks.loaded.host, s.blocks.restore_job(s.payload, s.blocks.data));
    CHECK_FALSE(refused.ok());
    CHECK_THAT(refused.message(), Catch::Matchers::Contains("auto, on or off"));
}

TEST_CASE("blocks warm spare: a symbolic link planted in the spare's place is removed, never followed") {
    BlocksWithSpare s;
    TempDir outside;
    write(outside.path() / "blocks.state", "not dspace's", stdfs::perms::owner_read | stdfs::perms::owner_write);
    stdfs::create_directories(outside.path() / "data");
    stdfs::create_directory_symlink(outside.path(), s.spare_dir.parent_path());
    s.blocks.loaded.config.set(setting, "off");
    s.refresh();
    CHECK_FALSE(stdfs::exists(stdfs::symlink_status(s.spare_dir.parent_path())));
    CHECK(stdfs::exists(outside.path() / "blocks.state"));
    CHECK(stdfs::exists(outside.path() / "data"));
    stdfs::create_directory_symlink(outside.path(), s.spare_dir.parent_path());
    s.blocks.loaded.config.set(setting, "on");
    auto refused = s.spare->refresh_spare(s.blocks.loaded.host, s.blocks.restore_job(s.payload, s.blocks.data));
    CHECK_FALSE(refused.ok()); // nothing is made through it either
    CHECK(stdfs::is_empty(outside.path() / "data"));
}

namespace {

//! Runs fn in a forked child, SIGKILLed after delay unless it ended first; returns how long the child lived.
std::chrono::microseconds run_killed_after(std::chrono::microseconds delay, const std::function<bool()> &fn) {
    auto start = std::chrono::steady_clock::now();
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) _exit(fn() ? 0 : 1);
    int status = 0;
    pid_t reaped = 0;
    while ((reaped = ::waitpid(pid, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() - start < delay)
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    if (reaped == 0) {
        ::kill(pid, SIGKILL);
        reaped = ::waitpid(pid, &status, 0);
    }
    REQUIRE(reaped == pid);
    CHECK((WIFSIGNALED(status) || WEXITSTATUS(status) == 0)); // a call that ended succeeded
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
}

} // namespace

TEST_CASE("blocks warm spare: SIGKILL at random moments of refreshes and of rollbacks that swap leaves the snapshot after the replay") {
    BlocksWithSpare s;
    auto job = s.blocks.restore_job(s.payload, s.blocks.data);
    auto refresh = [&] { return s.spare->refresh_spare(s.blocks.loaded.host, job).ok(); };
    auto rollback = [&] {
        return s.blocks.in_place->verify_restore(s.blocks.loaded.host, job).ok() && s.blocks.in_place->restore_in_place(s.blocks.loaded.host, job).ok();
    };
    auto forever = std::chrono::microseconds(std::chrono::seconds(60));
    mutate(s.blocks.data, s.random, 30);
    auto span = run_killed_after(forever, refresh) + run_killed_after(forever, rollback); // one of each, not killed
    int kills = std::getenv("DSPACE_TEST_LONG") ? 120 : 40, swaps = 0;
    for (int i = 0; i < kills; ++i) {
        auto delay = std::chrono::microseconds(std::uniform_int_distribution<long>(0, long(span.count()))(s.random));
        INFO("kill " << i << " after " << delay.count() << " us");
        mutate(s.blocks.data, s.random, 30);
        ino_t live = inode_of(s.blocks.data);
        if (i % 2 == 0) run_killed_after(delay, refresh); // the spare left half refreshed, or whole
        else run_killed_after(delay, rollback);           // a swap or rewrite cut short: the journal's replay follows
        s.replay();
        CHECK(describe(s.blocks.data) == s.expected);
        swaps += inode_of(s.blocks.data) != live;
    }
    WARN(swaps << " of " << kills << " rollbacks swapped the spare in");
    CHECK(swaps > 0);
}
