// The pg_dump snapshotter loaded from its built file (its round trip needs a server: see tests/integration).
#include "snapshotter_fixture.hpp"

using namespace snapshotter_test;

TEST_CASE("pg_dump snapshotter: loads and is logical") {
    LoadedSnapshotter loaded("pg_dump");
    CHECK(loaded.snapshotter->method() == dspace::sdk::SnapshotMethod::logical);
    CHECK_FALSE(loaded.snapshotter->description().empty());
}
