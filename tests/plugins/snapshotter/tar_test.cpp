// The tar snapshotter loaded from its built file: one archive, round trip of a tree.
#include "snapshotter_fixture.hpp"

using namespace snapshotter_test;

TEST_CASE("tar snapshotter: loads, is physical, round-trips a tree through payload/data.tar.zst") {
    LoadedSnapshotter loaded("tar");
    CHECK(loaded.snapshotter->method() == dspace::sdk::SnapshotMethod::physical);
    check_round_trip(loaded);
}

TEST_CASE("tar snapshotter: a missing archive is a clear failure") {
    LoadedSnapshotter loaded("tar");
    TempDir work;
    dspace::sdk::RestoreJob restore;
    restore.server.data_dir = work.path().string();
    restore.payload_dir = (work.path() / "nothing").string();
    auto status = loaded.snapshotter->restore(loaded.host, restore);
    CHECK_FALSE(status.ok());
    CHECK(status.message().find("data.tar.zst") != std::string::npos);
}
