// The rsync snapshotter loaded from its built file: round trip, and files shared with the previous snapshot.
#include "snapshotter_fixture.hpp"

using namespace snapshotter_test;

TEST_CASE("rsync snapshotter: loads, is physical, round-trips a tree") {
    LoadedSnapshotter loaded("rsync");
    CHECK(loaded.snapshotter->method() == dspace::sdk::SnapshotMethod::physical);
    if (loaded.host.processes().find_program("rsync", {}).empty()) {
        WARN("skipped the round trip: the rsync program is not installed (apt-get install rsync)");
        return;
    }
    check_round_trip(loaded);
}

TEST_CASE("rsync snapshotter: unchanged files are hard links to the previous snapshot, changed ones are not") {
    LoadedSnapshotter loaded("rsync");
    if (loaded.host.processes().find_program("rsync", {}).empty()) {
        WARN("skipped: the rsync program is not installed (apt-get install rsync)");
        return;
    }
    TempDir work;
    make_tree(work.path() / "data");
    dspace::sdk::SnapshotJob job;
    job.server.data_dir = (work.path() / "data").string();
    job.payload_dir = (work.path() / "one").string();
    stdfs::create_directories(job.payload_dir);
    REQUIRE(loaded.snapshotter->snapshot(loaded.host, job).ok());
    write(work.path() / "data" / "PG_VERSION", "16\n", stdfs::perms::owner_read | stdfs::perms::owner_write);
    job.previous_payload_dir = job.payload_dir;
    job.payload_dir = (work.path() / "two").string();
    stdfs::create_directories(job.payload_dir);
    REQUIRE(loaded.snapshotter->snapshot(loaded.host, job).ok());
    CHECK(stdfs::hard_link_count(work.path() / "two" / "base" / "1" / "1259") == 2);
    CHECK(stdfs::hard_link_count(work.path() / "two" / "PG_VERSION") == 1);
    CHECK(stdfs::hard_link_count(work.path() / "data" / "base" / "1" / "1259") == 1); // the live file is never linked
}
