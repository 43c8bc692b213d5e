// The plugin host against fixture plugins: one good, the others built wrong on purpose.
#include "fixtures.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/sdk/abi.h>
#include <dspace/sdk/abi_tag.hpp>

#include <catch2/catch.hpp>

using dspace::PluginHost;
using dspace::PluginStatus;
using dspace_test::fixture_file;
using Catch::Matchers::Contains;

namespace {

//! Loads one fixture alone: try_load_file gives status and reason; load_file must throw dspace::Error.
dspace::PluginRecord load_rejected(const std::filesystem::path &file, PluginStatus expected) {
    PluginHost host;
    dspace::PluginRecord record = host.try_load_file(file);
    CHECK(record.status == expected);
    CHECK_FALSE(record.reason.empty());
    CHECK_FALSE(record.hint.empty());
    CHECK(record.path == file);
    PluginHost other;
    CHECK_THROWS_AS(other.load_file(file), dspace::Error);
    CHECK_THROWS_WITH(other.load_file(file), Contains(file.string()));
    CHECK(host.migrators().empty());
    return record;
}

} // namespace

TEST_CASE("the good fixture loads and registers its migrator", "[plugin_host]") {
    PluginHost host;
    REQUIRE(host.try_migrator("fixture_good") == nullptr);
    auto record = host.load_file(fixture_file("good"));
    CHECK(record.status == PluginStatus::loaded);
    CHECK(record.reason.empty());
    CHECK(record.kind == "migrator");
    CHECK(record.name == "fixture_good");
    CHECK(record.version == "1.2.3");
    CHECK(record.sdk == std::to_string(DSPACE_SDK_ABI_MAJOR) + "." + std::to_string(DSPACE_SDK_ABI_MINOR));
    REQUIRE(host.try_migrator("fixture_good") != nullptr);
    CHECK(host.migrator("fixture_good").name() == "fixture_good");
    CHECK(host.migrators().size() == 1);
    CHECK(host.records().size() == 1);
}

TEST_CASE("unknown objects are errors that list what is available", "[plugin_host]") {
    PluginHost host;
    host.load_file(fixture_file("good"));
    CHECK_THROWS_WITH(host.migrator("nope"), Contains("nope") && Contains("fixture_good"));
    CHECK_THROWS_AS(host.flavour("nope"), dspace::Error);
    CHECK(host.try_snapshotter("fixture_good") == nullptr);
}

TEST_CASE("a shared object without dspace_plugin_entry is not a dspace plugin", "[plugin_host]") {
    auto record = load_rejected(fixture_file("no_entry"), PluginStatus::failed);
    CHECK_THAT(record.reason, Contains("not a dspace plugin") && Contains("dspace_plugin_entry"));
}

TEST_CASE("a file that is not a shared object is reported, not loaded", "[plugin_host]") {
    auto record = load_rejected(fixture_file("not_elf", "flavour"), PluginStatus::failed);
    CHECK_THAT(record.reason, Contains("not a shared object"));
}

TEST_CASE("a bad magic number names both values", "[plugin_host]") {
    auto record = load_rejected(fixture_file("bad_magic"), PluginStatus::incompatible);
    CHECK_THAT(record.reason, Contains("0x44535031") && Contains("0xdeadbeef"));
}

TEST_CASE("a descriptor smaller than version 1's is incompatible", "[plugin_host]") {
    auto record = load_rejected(fixture_file("small_struct"), PluginStatus::incompatible);
    CHECK_THAT(record.reason, Contains("16 bytes") && Contains(std::to_string(sizeof(dspace_plugin_descriptor))));
}

TEST_CASE("another SDK major version names both majors", "[plugin_host]") {
    auto record = load_rejected(fixture_file("major_mismatch"), PluginStatus::incompatible);
    CHECK_THAT(record.reason, Contains(std::to_string(DSPACE_SDK_ABI_MAJOR) + ".x") &&
                                  Contains(std::to_string(DSPACE_SDK_ABI_MAJOR + 1) + ".x"));
    CHECK(record.sdk == std::to_string(DSPACE_SDK_ABI_MAJOR + 1) + "." + std::to_string(DSPACE_SDK_ABI_MINOR));
}

TEST_CASE("a newer SDK minor version names both versions", "[plugin_host]") {
    auto record = load_rejected(fixture_file("newer_minor"), PluginStatus::incompatible);
    const std::string major = std::to_string(DSPACE_SDK_ABI_MAJOR) + ".";
    CHECK_THAT(record.reason, Contains(major + std::to_string(DSPACE_SDK_ABI_MINOR + 1)) &&
                                  Contains(major + std::to_string(DSPACE_SDK_ABI_MINOR)));
    CHECK_THAT(record.hint, Contains("upgrade dspace"));
}

TEST_CASE("another ABI tag names both tags", "[plugin_host]") {
    auto record = load_rejected(fixture_file("wrong_tag"), PluginStatus::incompatible);
    CHECK_THAT(record.reason, Contains(DSPACE_SDK_ABI_TAG) && Contains("windows-x86_64-msvc-msvcprt"));
}

TEST_CASE("a descriptor name that differs from the file name names both", "[plugin_host]") {
    auto record = load_rejected(fixture_file("name_mismatch"), PluginStatus::failed);
    CHECK_THAT(record.reason, Contains("fixture_name_mismatch") && Contains("fixture_other_name"));
}

TEST_CASE("a descriptor whose kinds do not include the file's kind is refused", "[plugin_host]") {
    auto record = load_rejected(fixture_file("wrong_kind"), PluginStatus::failed);
    CHECK_THAT(record.reason, Contains("migrator") && Contains("bitmask 1"));
}

TEST_CASE("a descriptor without a register function is refused, not called", "[plugin_host]") {
    auto record = load_rejected(fixture_file("no_register_fn"), PluginStatus::failed);
    CHECK_THAT(record.reason, Contains("register function"));
}

TEST_CASE("an exception thrown while registering becomes the failure reason", "[plugin_host]") {
    auto record = load_rejected(fixture_file("throws_in_register"), PluginStatus::failed);
    CHECK_THAT(record.reason, Contains("registration failed") && Contains("refuses to register"));
}

TEST_CASE("a second plugin registering a taken name is refused and the first keeps it", "[plugin_host]") {
    PluginHost host;
    host.load_file(fixture_file("good"));
    const auto dup = fixture_file("dup_name", "snapshotter");
    auto record = host.try_load_file(dup);
    CHECK(record.status == PluginStatus::failed);
    CHECK_THAT(record.reason, Contains("fixture_good") && Contains(fixture_file("good").string()));
    CHECK_THROWS_AS(host.load_file(dup), dspace::Error);
    CHECK(host.migrators().size() == 1);
    CHECK(host.snapshotters().empty());
}

TEST_CASE("a missing file or a badly named one is refused with the reason", "[plugin_host]") {
    PluginHost host;
    auto missing = host.try_load_file(dspace_test::fixture_dir("good") / "dspace_migrator_nothing_here.so");
    CHECK(missing.status == PluginStatus::failed);
    CHECK_THAT(missing.reason, Contains("no such plugin file"));
    auto badly_named = host.try_load_file(std::filesystem::path(DSPACE_TEST_SOURCE_DIR) / "CMakeLists.txt");
    CHECK(badly_named.status == PluginStatus::failed);
    CHECK_THAT(badly_named.reason, Contains("dspace_<kind>_<name>"));
    CHECK_THROWS_AS(host.load_file(std::filesystem::path(DSPACE_TEST_SOURCE_DIR) / "CMakeLists.txt"), dspace::Error);
}

TEST_CASE("scanning a directory of broken plugins records every file and still loads the good one", "[plugin_host]") {
    const auto dir = dspace_test::all_fixtures_dir();
    std::size_t files = 0;
    for (const auto &entry : std::filesystem::directory_iterator(dir)) files += entry.path().extension() == ".so";
    REQUIRE(files >= 13);

    PluginHost host;
    REQUIRE(host.try_migrator("fixture_good") == nullptr);
    REQUIRE_NOTHROW(host.load({}, {dir}));
    REQUIRE(host.try_migrator("fixture_good") != nullptr);
    CHECK(host.migrators().size() == 1);
    REQUIRE(host.records().size() == files);
    REQUIRE(host.scanned_dirs().size() == 1);
    std::size_t loaded = 0;
    for (const auto &record : host.records()) {
        INFO(record.path.string() << ": " << record.reason);
        CHECK(record.path.parent_path() == dir);
        if (record.status == PluginStatus::loaded) {
            ++loaded;
            CHECK(record.name == "fixture_good");
        } else {
            CHECK_FALSE(record.reason.empty());
        }
    }
    CHECK(loaded == 1);
}

TEST_CASE("an explicitly named bad plugin makes load() throw", "[plugin_host]") {
    PluginHost host;
    dspace::PluginSearchOptions options;
    options.explicit_files = {fixture_file("bad_magic")};
    CHECK_THROWS_WITH(host.load(options, {}), Contains("bad magic"));
}

TEST_CASE("a plugin built with -D_GLIBCXX_USE_CXX11_ABI=0 is refused with the macro named", "[plugin_host]") {
    auto record = load_rejected(fixture_file("cxx11_abi_off"), PluginStatus::incompatible);
    CHECK_THAT(record.reason, Contains("libstdc++-cow") && Contains(DSPACE_SDK_ABI_TAG));
    CHECK_THAT(record.hint, Contains("-D_GLIBCXX_USE_CXX11_ABI=0"));
    CHECK_THAT(record.hint, !Contains("same compiler"));
}

TEST_CASE("a plugin that registers a kind its descriptor does not declare is refused, naming both", "[plugin_host]") {
    PluginHost host;
    auto record = host.try_load_file(fixture_file("kinds_differ", "flavour"));
    CHECK(record.status == PluginStatus::failed);
    CHECK_THAT(record.reason, Contains("declares kinds flavour") && Contains("registered a migrator"));
    CHECK_THAT(record.hint, Contains("KINDS"));
    CHECK(host.migrators().empty());
    CHECK(host.flavours().empty());
}
