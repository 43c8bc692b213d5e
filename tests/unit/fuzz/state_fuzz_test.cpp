// Fuzzing the parsers of dspace's own files (space.json, manifest.json, config.json): every mutation gives a
// clean dspace::Error or a value that survives a round trip; never another exception or a crash.
// 1,000 mutations each (20,000 with DSPACE_TEST_LONG=1); DSPACE_TEST_SEED replays a run.
#include "support/mutate.hpp"
#include "support/temp_dir.hpp"

#include <dspace/core/config.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/snapshot_manifest.hpp>
#include <dspace/core/space.hpp>

#include <catch2/catch.hpp>

#include <functional>

using namespace dspace;

namespace {

//! Runs parse on rounds mutations of valid; counts clean errors; any other exception fails the test.
void fuzz(const std::string &what, const std::string &valid, const std::function<void(const std::string &)> &parse) {
    std::uint64_t seed = dspace_test::fuzz_seed();
    WARN("fuzzing " << what << " with DSPACE_TEST_SEED=" << seed);
    dspace_test::JsonMutator mutator(seed);
    int rounds = dspace_test::fuzz_rounds(1000), errors = 0;
    for (int i = 0; i < rounds; ++i) {
        std::string text = mutator.mutate(valid);
        try {
            parse(text);
        } catch (const Error &e) {
            ++errors;
            CHECK(std::string(e.what()).find(what) != std::string::npos); // the error names the file
        } catch (const std::exception &e) {
            FAIL("mutation " << i << " of " << what << " (seed " << seed << ") threw a non-dspace error: " << e.what() << "\n" << text);
        }
    }
    CHECK(errors > 0); // the mutations did damage
}

SpaceState sample_state() {
    SpaceState s;
    s.name = "db";
    s.flavour = "postgres";
    s.version = "15";
    s.port = 5433;
    s.listen_address = "127.0.0.1";
    s.os_user = "postgres";
    s.user = "dspace";
    s.password = "secret";
    s.database = "db";
    s.pid = 1234;
    s.pid_start_time = 5678;
    s.created = "2026-01-01T00:00:00Z";
    return s;
}

} // namespace

TEST_CASE("fuzz: damaged space.json gives a clean error or a state that round-trips", "[fuzz]") {
    fuzz("space.json", state_to_json(sample_state()), [](const std::string &text) {
        SpaceState s = state_from_json(text, "space.json");
        CHECK(s.port > 0);
        CHECK(s.port <= 65535);
        CHECK(s.pid >= 0);
        CHECK(state_to_json(state_from_json(state_to_json(s), "space.json")) == state_to_json(s));
    });
}

TEST_CASE("fuzz: damaged manifest.json gives a clean error or a manifest that round-trips", "[fuzz]") {
    SnapshotManifest m;
    m.space = "shop";
    m.name = "one";
    m.flavour = "postgres";
    m.server_version = "15";
    m.snapshotter = "rsync";
    m.method = "physical";
    m.created = "2026-01-02T03:04:05.678Z";
    m.size_bytes = 8195;
    m.files = {{"base/1/1259", 8192, "0123456789abcdef0123456789abcdef"}, {"PG_VERSION", 3, "ffffffffffffffffffffffffffffffff"}};
    fuzz("manifest.json", manifest_to_json(m), [](const std::string &text) {
        SnapshotManifest back = manifest_from_json(text, "manifest.json");
        CHECK(manifest_to_json(manifest_from_json(manifest_to_json(back), "manifest.json")) == manifest_to_json(back));
    });
}

TEST_CASE("fuzz: damaged config.json gives a clean error or a configuration that round-trips", "[fuzz]") {
    dspace_test::TempDir dir;
    auto file = dir.path() / "config.json";
    std::string valid = R"({"snapshots": {"default_snapshotter": "rsync"}, "spaces": {"listen_address": "127.0.0.1"},
                           "plugins": {"search_paths": ["/a"]}, "flavours": {"postgres": {"server_user": "postgres"}}})";
    fuzz("config.json", valid, [&](const std::string &text) {
        fs::write_file_atomic(file, text);
        Config config(file);
        config.load();
        config.get("snapshots.default_snapshotter");
        config.get_list("plugins.search_paths");
        config.save();
        Config again(file);
        again.load();
        CHECK(again.to_json() == config.to_json());
    });
}
