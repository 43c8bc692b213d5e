// Where the plugin host looks, in which order, and which directories and files it refuses to trust.
#include "fixtures.hpp"
#include "support/temp_dir.hpp"

#include <dspace/core/config.hpp>
#include <dspace/core/paths.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/sdk/abi.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <optional>

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using dspace::PluginHost;
using dspace::PluginStatus;

namespace {

//! Sets an environment variable for one scope, restoring the old value after.
class ScopedEnv {
public:
    ScopedEnv(const char *name, const std::string &value) : name_(name) {
        if (const char *old = std::getenv(name)) old_ = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (old_) ::setenv(name_, old_->c_str(), 1);
        else ::unsetenv(name_);
    }

private:
    const char *name_;
    std::optional<std::string> old_;
};

} // namespace

TEST_CASE("plugin_search_dirs: --plugin-dir, DSPACE_PLUGIN_PATH, config, home, exe-relative, install dir", "[plugin_host]") {
    dspace_test::TempDir tmp;
    const fs::path home = tmp.path() / "home";
    const fs::path d1 = tmp.path() / "cli1", d2 = tmp.path() / "cli2", e1 = tmp.path() / "env1", e2 = tmp.path() / "env2",
                   c1 = tmp.path() / "cfg1", c2 = tmp.path() / "cfg2";
    ScopedEnv env("DSPACE_PLUGIN_PATH", e1.string() + "::" + e2.string() + ":" + d1.string());
    dspace::Config config(home / "config.json");
    config.set("plugins.search_paths", "[\"" + c1.string() + "\", \"" + c2.string() + "\"]");
    dspace::Paths paths(home);
    dspace::PluginSearchOptions options;
    options.dirs = {d1, d2};

    auto dirs = dspace::plugin_search_dirs(options, config, paths);
    REQUIRE(dirs.size() >= 8);
    const std::vector<fs::path> expected{d1, d2, e1, e2, c1, c2, home / "plugins" / std::to_string(DSPACE_SDK_ABI_MAJOR)};
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("position " << i);
        CHECK(dirs[i] == fs::weakly_canonical(expected[i]));
    }
    CHECK(dirs[7].filename() == std::to_string(DSPACE_SDK_ABI_MAJOR));
    CHECK(dirs[7].parent_path().filename() == "plugins");
    CHECK(std::count(dirs.begin(), dirs.end(), fs::weakly_canonical(d1)) == 1); // d1 also came from the environment
    for (const auto &dir : dirs) CHECK(dir.is_absolute());
}

TEST_CASE("the same plugin in two directories: the first wins, the second is recorded as shadowed", "[plugin_host]") {
    const fs::path first = dspace_test::fixture_dir("good"), second = dspace_test::all_fixtures_dir();
    PluginHost host;
    host.load({}, {first, second});
    REQUIRE(host.try_migrator("fixture_good") != nullptr);
    int loaded = 0, shadowed = 0;
    for (const auto &record : host.records()) {
        if (record.name != "fixture_good") continue;
        if (record.status == PluginStatus::loaded) {
            ++loaded;
            CHECK(record.path.parent_path() == first);
        } else if (record.status == PluginStatus::shadowed) {
            ++shadowed;
            CHECK(std::string(dspace::to_string(record.status)) == "shadowed");
            CHECK(record.path.parent_path() == second);
            CHECK_THAT(record.reason, Contains(dspace_test::fixture_file("good").string()));
        }
    }
    CHECK(loaded == 1);
    CHECK(shadowed == 1);
}

TEST_CASE("a world-writable plugin directory is skipped, a world-writable plugin file is refused", "[plugin_host]") {
    dspace_test::TempDir tmp;
    const fs::path dir = tmp.path() / "plugins";
    fs::create_directory(dir);
    fs::copy_file(dspace_test::fixture_file("good"), dir / dspace_test::fixture_file("good").filename());

    SECTION("directory") {
        fs::permissions(dir, fs::perms::all);
        PluginHost host;
        host.load({}, {dir});
        CHECK(host.scanned_dirs().empty());
        CHECK(host.records().empty());
        CHECK(host.try_migrator("fixture_good") == nullptr);
    }
    SECTION("file") {
        fs::permissions(dir / dspace_test::fixture_file("good").filename(), fs::perms::others_write, fs::perm_options::add);
        PluginHost host;
        host.load({}, {dir});
        REQUIRE(host.records().size() == 1);
        CHECK(host.records()[0].status == PluginStatus::failed);
        CHECK_THAT(host.records()[0].reason, Contains("world-writable"));
        CHECK(host.try_migrator("fixture_good") == nullptr);
    }
}

TEST_CASE("a scan considers only dspace_*.so files and skips missing directories", "[plugin_host]") {
    dspace_test::TempDir tmp;
    fs::copy_file(dspace_test::fixture_file("good"), tmp.path() / "libsomething.so");
    fs::copy_file(dspace_test::fixture_file("good"), tmp.path() / "dspace_migrator_fixture_good.so.bak");
    PluginHost host;
    host.load({}, {tmp.path() / "missing", tmp.path()});
    CHECK(host.records().empty());
    CHECK(host.scanned_dirs() == std::vector<fs::path>{tmp.path()});
}

TEST_CASE("a file named with --plugin and also found in a scanned directory is listed once", "[plugin_host]") {
    dspace::PluginSearchOptions options;
    options.explicit_files = {dspace_test::fixture_file("good")};
    PluginHost host;
    host.load(options, {dspace_test::fixture_dir("good")});
    REQUIRE(host.records().size() == 1);
    CHECK(host.records()[0].status == PluginStatus::loaded);
}
