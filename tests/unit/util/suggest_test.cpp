#include <dspace/core/suggest.hpp>

#include <catch2/catch.hpp>

using dspace::did_you_mean;

TEST_CASE("did_you_mean offers the candidate one typo away", "[suggest]") {
    std::vector<std::string> verbs{"create", "list", "status", "snapshot", "rollback"};
    CHECK(did_you_mean("craete", verbs) == "create");  // swapped neighbours
    CHECK(did_you_mean("stauts", verbs) == "status");
    CHECK(did_you_mean("lst", verbs) == "list");        // one missing letter
    CHECK(did_you_mean("Snapshot", verbs) == "snapshot"); // case is not a typo
}

TEST_CASE("did_you_mean offers nothing for a word unlike every candidate", "[suggest]") {
    std::vector<std::string> flavours{"postgres", "mysql"};
    CHECK(did_you_mean("oracle", flavours).empty());
    CHECK(did_you_mean("", flavours).empty());
    CHECK(did_you_mean("pg", {}).empty());
}

TEST_CASE("did_you_mean completes an unambiguous prefix", "[suggest]") {
    CHECK(did_you_mean("postg", {"postgres", "mysql"}) == "postgres");
    CHECK(did_you_mean("sn", {"snapshot", "snapshots"}).empty());
}
