// The blocks snapshotter loaded from its built file: round trip, in-place restore of randomly changed trees,
// sparse files, refusal on a damaged store, garbage collection that spares live snapshots, usage.
#include "blocks_fixture.hpp"

#include "support/loop_xfs.hpp"

#include "pack_store.hpp"
#include "reflink.hpp"

#include <cstdlib>
#include <cstring>
#include <optional>
#include <fstream>
#include <sys/inotify.h>

using namespace snapshotter_test;

namespace {

//! Counts the reads of one file while it is watched (inotify IN_ACCESS).
struct ReadWatch {
    int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    explicit ReadWatch(const stdfs::path &file) {
        REQUIRE(fd >= 0);
        REQUIRE(::inotify_add_watch(fd, file.c_str(), IN_ACCESS) >= 0);
    }
    ~ReadWatch() { ::close(fd); }
    //! Read events since the watch began.
    int reads() const {
        int count = 0;
        alignas(struct inotify_event) char buffer[4096];
        for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;)
            for (ssize_t at = 0; at < n; at += ssize_t(sizeof(struct inotify_event)) + reinterpret_cast<struct inotify_event *>(buffer + at)->len)
                if (reinterpret_cast<struct inotify_event *>(buffer + at)->mask & IN_ACCESS) ++count;
        return count;
    }
};

//! Writes file (mode 0600) with content and an mtime old enough to be trusted; returns file.
stdfs::path write_old(const stdfs::path &file, const std::string &content) {
    write(file, content, stdfs::perms::owner_read | stdfs::perms::owner_write);
    backdate(file, 1000000000);
    return file;
}

//! size bytes from a generator seeded with seed.
std::string random_bytes(std::size_t size, unsigned seed) {
    std::mt19937 random(seed);
    std::string bytes(size, '\0');
    for (auto &b : bytes) b = char(random());
    return bytes;
}

int iterations() { return std::getenv("DSPACE_TEST_LONG") ? 60 : 12; }

} // namespace

TEST_CASE("blocks snapshotter: loads with InPlaceRestore and SharedStore, round-trips a tree") {
    LoadedSnapshotter loaded("blocks");
    CHECK(loaded.snapshotter->method() == sdk::SnapshotMethod::physical);
    CHECK(loaded.plugins.capability<sdk::InPlaceRestore>("blocks") != nullptr);
    CHECK(loaded.plugins.capability<sdk::SharedStore>("blocks") != nullptr);
    check_round_trip(loaded);
}

//! Changes blocks.data at random, snapshots, changes it again and rolls back, iterations() times: every rollback
//! and every restore into a new directory must give the snapshot's tree.
void check_random_rollbacks(Blocks &blocks) {
    std::mt19937 random(std::random_device{}());
    std::string previous;
    for (int i = 0; i < iterations(); ++i) {
        INFO("iteration " << i);
        mutate(blocks.data, random, 30);
        auto expected = describe(blocks.data);
        std::string payload = blocks.snapshot(previous);
        previous = payload;
        mutate(blocks.data, random, 30);
        if (i % 2 == 1) ::usleep(100000); // the check's findings are followed only for files written well before it
        auto verified = blocks.in_place->verify_restore(blocks.loaded.host, blocks.restore_job(payload, blocks.data));
        REQUIRE(verified.ok());
        if (i % 3 == 2) mutate(blocks.data, random, 5); // the server wrote after the check: those files are compared again
        auto restored = blocks.in_place->restore_in_place(blocks.loaded.host, blocks.restore_job(payload, blocks.data));
        INFO(restored.message());
        REQUIRE(restored.ok());
        CHECK(describe(blocks.data) == expected);
        stdfs::path fresh = blocks.work.path() / ("fresh" + std::to_string(i));
        stdfs::create_directories(fresh);
        REQUIRE(blocks.loaded.snapshotter->restore(blocks.loaded.host, blocks.restore_job(payload, fresh)).ok());
        CHECK(describe(fresh) == expected);
        stdfs::remove_all(fresh);
    }
}

//! The counter named wanted (such as "rchar:") in /proc/self/io.
std::uint64_t io_counter(const std::string &wanted) {
    std::ifstream in("/proc/self/io");
    std::string key;
    std::uint64_t value = 0;
    while (in >> key >> value)
        if (key == wanted) return value;
    FAIL("no " << wanted << " in /proc/self/io");
    return 0;
}

//! Bytes this process has read with read(2) and its kind.
std::uint64_t bytes_read() { return io_counter("rchar:"); }

//! Bytes this process has written with write(2) and its kind.
std::uint64_t bytes_written() { return io_counter("wchar:"); }

//! Points TMPDIR (where TempDir makes its directories) at dir while it lives.
struct TemporaryDirectoriesIn {
    explicit TemporaryDirectoriesIn(const stdfs::path &dir) { ::setenv("TMPDIR", dir.c_str(), 1); }
    ~TemporaryDirectoriesIn() { ::unsetenv("TMPDIR"); }
};

//! True when every block of every pack under home whose length is a multiple of granule starts at a multiple of it.
bool packs_aligned(const stdfs::path &home, std::uint32_t granule) {
    for (const auto &entry : stdfs::directory_iterator(home / "blocks" / "packs"))
        if (entry.path().extension() == ".idx")
            for (const auto &block : dspace::blocks::read_pack_index(entry.path().string()))
                if (block.length % granule == 0 && block.offset % granule != 0) return false;
    return true;
}

//! The extents of file as FIEMAP reports them (the test fails when the file system cannot say).
std::vector<dspace::blocks::Extent> extents_of(const stdfs::path &file) {
    int fd = ::open(file.c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    auto extents = dspace::blocks::file_extents(fd, file.string());
    ::close(fd);
    REQUIRE(extents);
    return *extents;
}

//! True, with the reason printed, when this machine cannot loop-mount an XFS image (the XFS tests then skip).
bool xfs_unavailable() {
    std::string why = dspace_test::LoopXfs::unavailable();
    if (!why.empty()) WARN("skipped: " << why);
    return !why.empty();
}

//! A Blocks whose home and data directory are on a loop-mounted XFS image of the given size, with reflinks.
struct BlocksOnXfs {
    dspace_test::LoopXfs xfs;
    std::optional<Blocks> blocks;
    explicit BlocksOnXfs(std::uint64_t image_bytes) : xfs(image_bytes) {
        TemporaryDirectoriesIn on_xfs(xfs.mount_point());
        blocks.emplace();
    }
};

TEST_CASE("blocks snapshotter: in-place restore of randomly changed trees is byte-identical, also into a new directory") {
    Blocks blocks;
    check_random_rollbacks(blocks);
}

TEST_CASE("blocks snapshotter: on XFS with reflinks, packs are aligned and rollbacks clone, byte-identical", "[blocks][xfs]") {
    if (xfs_unavailable()) return;
    BlocksOnXfs on_xfs(1ull << 30);
    std::optional<Blocks> &blocks = on_xfs.blocks;
    REQUIRE(dspace::blocks::reflink_granule(blocks->loaded.home.path().string(), blocks->data.string()) == 4096);
    check_random_rollbacks(*blocks);
    CHECK(packs_aligned(blocks->loaded.home.path(), 4096));
    for (const auto &entry : stdfs::directory_iterator(blocks->data)) stdfs::remove_all(entry.path());
    std::string whole(16 << 20, '\0');
    for (std::size_t i = 0; i < whole.size(); ++i) whole[i] = char(i % 13);
    for (std::size_t at = 0; at < whole.size(); at += 4096) std::memcpy(whole.data() + at, &at, sizeof at); // every block differs
    write(blocks->data / "whole", whole, stdfs::perms::owner_read | stdfs::perms::owner_write);
    int sparse_fd = ::open((blocks->data / "sparse").c_str(), O_RDWR | O_CREAT, 0600);
    REQUIRE(sparse_fd >= 0);
    std::string tail(8192, 's'); // (not a block of whole: that one would be stored once, cloned from one of them)
    REQUIRE(::pwrite(sparse_fd, tail.data(), tail.size(), 1 << 20) == ssize_t(tail.size()));
    ::close(sparse_fd);
    std::string payload = blocks->snapshot();
    auto expected = describe(blocks->data);
    auto extents = extents_of(blocks->data / "whole");
    std::size_t cursor = 0;
    for (std::uint64_t at = 0; at < whole.size(); at += 4096) CHECK(dspace::blocks::shared_physical(extents, at, 4096, cursor) != 0);
    stdfs::remove(blocks->data / "whole");
    stdfs::remove(blocks->data / "sparse");
    blocks->roll_back(payload); // the removed files come back cloned from the store
    CHECK(describe(blocks->data) == expected);
    struct stat sparse {};
    REQUIRE(::stat((blocks->data / "sparse").c_str(), &sparse) == 0);
    CHECK(sparse.st_blocks * 512 < (256 << 10)); // restored with its hole
    CHECK(packs_aligned(blocks->loaded.home.path(), 4096));
    REQUIRE(stdfs::exists(blocks->data.parent_path() / "blocks.state.extents"));
    std::string block(4096, 'n');
    int fd = ::open((blocks->data / "whole").c_str(), O_WRONLY);
    REQUIRE(fd >= 0);
    REQUIRE(::pwrite(fd, block.data(), block.size(), 40960) == ssize_t(block.size()));
    ::close(fd);
    auto changed = describe(blocks->data);
    std::uint64_t read_before = bytes_read();
    std::string second = blocks->snapshot(payload);
    CHECK(bytes_read() - read_before < whole.size() / 4); // the blocks that did not move are not read
    stdfs::path fresh = blocks->work.path() / "fresh";
    stdfs::create_directories(fresh);
    REQUIRE(blocks->loaded.snapshotter->restore(blocks->loaded.host, blocks->restore_job(second, fresh)).ok());
    CHECK(describe(fresh) == changed);
}

TEST_CASE("blocks snapshotter: on XFS, a rollback clones the blocks its check verified without reading them again, and "
          "checks any other block it writes", "[blocks][xfs]") {
    if (xfs_unavailable()) return;
    BlocksOnXfs on_xfs(512ull << 20);
    std::optional<Blocks> &blocks = on_xfs.blocks;
    std::string a = random_bytes(4 << 20, 21), b = random_bytes(64 << 10, 22);
    write_old(blocks->data / "a", a);
    write_old(blocks->data / "b", b);
    std::string payload = blocks->snapshot();
    write_old(blocks->data / "a", random_bytes(4 << 20, 23)); // every block of a differs, and its mtime is old
    auto checked = blocks->in_place->verify_restore(blocks->loaded.host, blocks->restore_job(payload, blocks->data));
    INFO(checked.message());
    REQUIRE(checked.ok());
    write(blocks->data / "b", random_bytes(64 << 10, 24), stdfs::perms::owner_read | stdfs::perms::owner_write); // after the check
    dspace::blocks::BlockId first_of_b = dspace::blocks::sha256(b.data(), 4096);
    bool damaged = false;
    for (const auto &entry : stdfs::directory_iterator(blocks->loaded.home.path() / "blocks" / "packs"))
        if (entry.path().extension() == ".idx")
            for (const auto &block : dspace::blocks::read_pack_index(entry.path().string()))
                if (block.id == first_of_b) {
                    stdfs::path pack = entry.path();
                    pack.replace_extension(".pack");
                    int fd = ::open(pack.c_str(), O_WRONLY);
                    REQUIRE(fd >= 0);
                    REQUIRE(::pwrite(fd, "Z", 1, off_t(block.offset)) == 1);
                    ::close(fd);
                    damaged = true;
                }
    REQUIRE(damaged);
    std::uint64_t read_before = bytes_read();
    auto restored = blocks->in_place->restore_in_place(blocks->loaded.host, blocks->restore_job(payload, blocks->data));
    CHECK(bytes_read() - read_before < (1u << 20)); // a's 4 MiB of verified blocks were cloned, not read again
    std::ifstream restored_a(blocks->data / "a", std::ios::binary);
    CHECK(std::string(std::istreambuf_iterator<char>(restored_a), {}) == a);
    CHECK_FALSE(restored.ok()); // b's blocks were not part of the check: the damaged one is found before it is written
    CHECK_THAT(restored.message(), Catch::Matchers::Contains("SHA-256"));
}

TEST_CASE("blocks snapshotter: on XFS, a rollback reads of a changed file only the blocks that moved since the last sync",
          "[blocks][xfs]") {
    if (xfs_unavailable()) return;
    BlocksOnXfs on_xfs(512ull << 20);
    std::optional<Blocks> &blocks = on_xfs.blocks;
    std::string big = random_bytes(16 << 20, 31);
    write_old(blocks->data / "big", big);
    std::string payload = blocks->snapshot(); // clones big's blocks into the pack: they are shared now
    auto expected = describe(blocks->data);
    int fd = ::open((blocks->data / "big").c_str(), O_WRONLY);
    REQUIRE(fd >= 0);
    std::string changed = random_bytes(4096, 32);
    REQUIRE(::pwrite(fd, changed.data(), changed.size(), 5 << 20) == ssize_t(changed.size()));           // moves one block
    REQUIRE(::pwrite(fd, changed.data(), changed.size(), 16 << 20) == ssize_t(changed.size()));          // and grows the file
    ::close(fd);
    std::uint64_t read_before = bytes_read();
    auto checked = blocks->in_place->verify_restore(blocks->loaded.host, blocks->restore_job(payload, blocks->data));
    INFO(checked.message());
    REQUIRE(checked.ok());
    CHECK(bytes_read() - read_before < (4u << 20)); // not the 16 MiB file
    read_before = bytes_read();
    auto restored = blocks->in_place->restore_in_place(blocks->loaded.host, blocks->restore_job(payload, blocks->data));
    INFO(restored.message());
    REQUIRE(restored.ok());
    CHECK(bytes_read() - read_before < (4u << 20));
    CHECK(describe(blocks->data) == expected);
}

TEST_CASE("blocks snapshotter: on XFS, a rollback records where it cloned scattered blocks, so the next snapshot reads only "
          "what moved since", "[blocks][xfs]") {
    if (xfs_unavailable()) return;
    BlocksOnXfs on_xfs(512ull << 20);
    std::optional<Blocks> &blocks = on_xfs.blocks;
    write_old(blocks->data / "big", random_bytes(16 << 20, 41));
    write_old(blocks->data / "scattered", random_bytes(16 << 20, 42));
    std::string payload = blocks->snapshot();
    auto expected = describe(blocks->data);
    std::string lone = random_bytes(4096, 43), run = random_bytes(1 << 20, 44);
    for (const char *name : {"big", "scattered"}) { // every 13th block (1.2 MiB each), and in big a 1 MiB run
        int fd = ::open((blocks->data / name).c_str(), O_WRONLY);
        REQUIRE(fd >= 0);
        for (off_t at = 4096; at < (16 << 20); at += 13 * 4096) REQUIRE(::pwrite(fd, lone.data(), lone.size(), at) == ssize_t(lone.size()));
        if (std::string(name) == "big") REQUIRE(::pwrite(fd, run.data(), run.size(), off_t(12) << 20) == ssize_t(run.size()));
        ::close(fd);
    }
    auto changed = describe(blocks->data);
    std::string changed_payload = blocks->snapshot(payload); // then the rollback knows the changed blocks from the two lists
    blocks->roll_back(payload);
    CHECK(describe(blocks->data) == expected);
    auto extents = extents_of(blocks->data / "big");
    std::size_t cursor = 0;
    CHECK(dspace::blocks::shared_physical(extents, 0, 4096, cursor) != 0);           // untouched: still shared
    CHECK(dspace::blocks::shared_physical(extents, 4096, 4096, cursor) != 0);        // a lone block: cloned back
    CHECK(dspace::blocks::shared_physical(extents, 12 << 20, 1 << 20, cursor) != 0); // the run: cloned back
    std::string later = random_bytes(4096, 45); // the server writes again: each file changed since the rollback
    for (const char *name : {"big", "scattered"}) {
        int out = ::open((blocks->data / name).c_str(), O_WRONLY);
        REQUIRE(out >= 0);
        REQUIRE(::pwrite(out, later.data(), later.size(), off_t(3) << 20) == ssize_t(later.size()));
        ::close(out);
    }
    auto rewritten = describe(blocks->data);
    std::uint64_t read_before = bytes_read();
    std::string again = blocks->snapshot(payload);
    CHECK(bytes_read() - read_before < (2u << 20)); // the two blocks written since and the block lists: not the 3.5 MiB rolled back
    blocks->roll_back(changed_payload);
    CHECK(describe(blocks->data) == changed);
    blocks->roll_back(again);
    CHECK(describe(blocks->data) == rewritten);
}

TEST_CASE("blocks snapshotter: a rollback rewrites only changed files and keeps sparse files sparse") {
    Blocks blocks;
    std::string big(1 << 20, 'x');
    write(blocks.data / "big", big, stdfs::perms::owner_read | stdfs::perms::owner_write);
    int fd = ::open((blocks.data / "sparse").c_str(), O_RDWR | O_CREAT, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(::pwrite(fd, "data", 4, 64 << 20) == 4);
    ::close(fd);
    // mtimes are trusted only when older than two seconds: back-date them
    struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
    REQUIRE(::utimensat(AT_FDCWD, (blocks.data / "big").c_str(), old, 0) == 0);
    REQUIRE(::utimensat(AT_FDCWD, (blocks.data / "sparse").c_str(), old, 0) == 0);
    std::string payload = blocks.snapshot();
    struct stat before {};
    REQUIRE(::stat((blocks.data / "big").c_str(), &before) == 0);
    stdfs::remove(blocks.data / "sparse");
    blocks.roll_back(payload);
    struct stat after {};
    REQUIRE(::stat((blocks.data / "big").c_str(), &after) == 0);
    CHECK(after.st_ino == before.st_ino);
    CHECK(after.st_ctim.tv_sec == before.st_ctim.tv_sec); // untouched: its fingerprint matched
    CHECK(after.st_ctim.tv_nsec == before.st_ctim.tv_nsec);
    struct stat sparse {};
    REQUIRE(::stat((blocks.data / "sparse").c_str(), &sparse) == 0);
    CHECK(sparse.st_size == (64 << 20) + 4);
    CHECK(sparse.st_blocks * 512 < (256 << 10)); // restored with its hole
}

TEST_CASE("blocks snapshotter: a rollback writes of a changed file only the blocks that differ") {
    // 16 MiB is compared in two halves on two threads, each read a chunk at a time: a block changed deep in each
    // half must be found, and the blocks around it left alone.
    Blocks blocks;
    write_old(blocks.data / "big", random_bytes(16 << 20, 41));
    auto snapshotted = describe(blocks.data);
    std::string payload = blocks.snapshot();
    int fd = ::open((blocks.data / "big").c_str(), O_WRONLY);
    REQUIRE(fd >= 0);
    for (off_t at : {off_t(5 << 20), off_t(13 << 20)}) REQUIRE(::pwrite(fd, "changed", 7, at) == 7);
    ::close(fd);
    std::uint64_t written_before = bytes_written();
    blocks.roll_back(payload);
    CHECK(bytes_written() - written_before < (1u << 20)); // two blocks and the rollback's own records, not the file
    CHECK(describe(blocks.data) == snapshotted);
}

TEST_CASE("blocks snapshotter: a damaged stored block refuses the rollback and leaves the data untouched") {
    Blocks blocks;
    write(blocks.data / "file", std::string(20000, 'a'), stdfs::perms::owner_read | stdfs::perms::owner_write);
    std::string payload = blocks.snapshot();
    write(blocks.data / "file", std::string(20000, 'b'), stdfs::perms::owner_read | stdfs::perms::owner_write);
    auto changed = describe(blocks.data);
    for (const auto &entry : stdfs::directory_iterator(blocks.loaded.home.path() / "blocks" / "packs"))
        if (entry.path().extension() == ".pack") {
            int fd = ::open(entry.path().c_str(), O_RDWR);
            REQUIRE(fd >= 0);
            REQUIRE(::pwrite(fd, "Z", 1, 10) == 1);
            ::close(fd);
        }
    auto verified = blocks.in_place->verify_restore(blocks.loaded.host, blocks.restore_job(payload, blocks.data));
    CHECK_FALSE(verified.ok());
    CHECK_THAT(verified.message(), Catch::Matchers::Contains("SHA-256"));
    CHECK(describe(blocks.data) == changed);
    CHECK_FALSE(blocks.shared->verify_payload(blocks.loaded.host, payload).ok());
}

TEST_CASE("blocks snapshotter: snapshots share blocks; gc frees only blocks no live snapshot uses") {
    Blocks blocks;
    std::mt19937 random(7);
    std::string common(100000, '\0'), first(50000, '\0'), second(30000, '\0');
    for (auto *s : {&common, &first, &second})
        for (auto &b : *s) b = char(random());
    write(blocks.data / "common", common, stdfs::perms::owner_read | stdfs::perms::owner_write);
    write(blocks.data / "changing", first, stdfs::perms::owner_read | stdfs::perms::owner_write);
    auto state_one = describe(blocks.data);
    std::string one = blocks.snapshot();
    write(blocks.data / "changing", second, stdfs::perms::owner_read | stdfs::perms::owner_write);
    auto state_two = describe(blocks.data);
    std::string two = blocks.snapshot(one);

    auto usage = blocks.shared->usage(blocks.loaded.host, two, {one, two});
    REQUIRE(usage.ok());
    CHECK(usage->shared_bytes == 100000);
    CHECK(usage->own_bytes == 30000);

    auto freed = blocks.shared->collect_garbage(blocks.loaded.host, {one, two});
    REQUIRE(freed.ok());
    CHECK(*freed == 0);
    freed = blocks.shared->collect_garbage(blocks.loaded.host, {two}); // snapshot one removed
    REQUIRE(freed.ok());
    CHECK(*freed >= 50000);
    CHECK(blocks.shared->verify_payload(blocks.loaded.host, two).ok());
    CHECK_FALSE(blocks.shared->verify_payload(blocks.loaded.host, one).ok());
    blocks.roll_back(two);
    CHECK(describe(blocks.data) == state_two);
    auto alone = blocks.shared->usage(blocks.loaded.host, two, {two});
    REQUIRE(alone.ok());
    CHECK(alone->own_bytes == 130000);
    CHECK(alone->shared_bytes == 0);
}

TEST_CASE("blocks snapshotter: a file unchanged since the last snapshot is rolled back from the block lists, without reading it") {
    Blocks blocks;
    std::string content = random_bytes(1 << 20, 11);
    stdfs::path big = write_old(blocks.data / "big", content);
    auto expected = describe(blocks.data);
    std::string first = blocks.snapshot();
    int fd = ::open(big.c_str(), O_RDWR);
    REQUIRE(fd >= 0);
    REQUIRE(::pwrite(fd, "changed", 7, 5000) == 7);                     // one block changed
    REQUIRE(::ftruncate(fd, (1 << 20) + 6000) == 0);                      // a longer file: a partial last block
    REQUIRE(::pwrite(fd, std::string(4096, '\0').data(), 4096, 40960) == 4096); // a block become a hole
    ::close(fd);
    backdate(big, 1100000000);

    SECTION("unchanged since the second snapshot: compared by lists") {
        std::string second = blocks.snapshot(first);
        ReadWatch watch(big);
        blocks.roll_back(first);
        CHECK(watch.reads() == 0);
        CHECK(describe(blocks.data) == expected);
        (void)watch.reads(); // describe read it
        blocks.roll_back(second); // and back again, by the first snapshot's list, which the rollback recorded
        CHECK(watch.reads() == 0);
        blocks.roll_back(first);
        CHECK(describe(blocks.data) == expected);
    }
    SECTION("written after the snapshot, or without the linked list: read and compared") {
        blocks.snapshot(first);
        bool rewritten = GENERATE(true, false);
        if (rewritten) write(big, content.substr(0, 300000), stdfs::perms::owner_read | stdfs::perms::owner_write);
        else REQUIRE(stdfs::remove(blocks.work.path() / "space" / "blocks.state.list"));
        ReadWatch watch(big);
        blocks.roll_back(first);
        CHECK(watch.reads() > 0);
        CHECK(describe(blocks.data) == expected);
    }
}

TEST_CASE("blocks snapshotter: a snapshot after a rollback to an older snapshot takes unchanged files from the rolled-back lists, without reading them") {
    Blocks blocks;
    std::string content = random_bytes(1 << 20, 13);
    stdfs::path big = write_old(blocks.data / "big", content);
    auto at_first = describe(blocks.data);
    std::string first = blocks.snapshot();
    content[5000] ^= 1; // the second snapshot's big differs from the first's: its list says nothing of big after the rollback
    write(big, content, stdfs::perms::owner_read | stdfs::perms::owner_write);
    backdate(big, 1100000000);
    std::string second = blocks.snapshot(first);
    blocks.roll_back(first);
    REQUIRE(describe(blocks.data) == at_first);
    write(blocks.data / "small", "new", stdfs::perms::owner_read | stdfs::perms::owner_write);
    auto at_third = describe(blocks.data);

    SECTION("the rolled-back snapshot is still there: big is not read") {
        ReadWatch watch(big);
        std::string third = blocks.snapshot(second);
        CHECK(watch.reads() == 0);
        blocks.roll_back(second);
        blocks.roll_back(third);
        CHECK(describe(blocks.data) == at_third);
    }
    SECTION("the rolled-back snapshot was removed and its blocks collected: big is read again") {
        REQUIRE(blocks.shared->collect_garbage(blocks.loaded.host, {second}).ok());
        ReadWatch watch(big);
        std::string third = blocks.snapshot(second);
        CHECK(watch.reads() > 0);
        CHECK(blocks.shared->verify_payload(blocks.loaded.host, third).ok());
        blocks.roll_back(second);
        blocks.roll_back(third);
        CHECK(describe(blocks.data) == at_third);
    }
}
