// The entry-point check reads the file's dynamic symbols without loading it: stripped plugins
// still load, and shared objects for another platform are reported before dlopen sees them.
#include "fixtures.hpp"
#include "support/temp_dir.hpp"

#include <dspace/core/plugin_host.hpp>
#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>

#include <fstream>

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

//! A copy of the good fixture in dir, under its own name.
fs::path copy_good(const fs::path &dir) {
    fs::path copy = dir / dspace_test::fixture_file("good").filename();
    fs::copy_file(dspace_test::fixture_file("good"), copy);
    return copy;
}

//! Overwrites one byte of file at offset.
void patch_byte(const fs::path &file, std::streamoff offset, char value) {
    std::fstream out(file, std::ios::binary | std::ios::in | std::ios::out);
    out.seekp(offset);
    out.put(value);
    REQUIRE(out.good());
}

} // namespace

TEST_CASE("a stripped plugin still loads", "[plugin_host]") {
    dspace::ProcessRunnerImpl runner(nullptr);
    const std::string strip = runner.find_program("strip", {});
    if (strip.empty()) {
        WARN("skipped: strip (binutils) is not installed");
        return;
    }
    dspace_test::TempDir tmp;
    const fs::path plugin = copy_good(tmp.path());
    dspace::sdk::Command command;
    command.argv = {strip, "--strip-all", plugin.string()};
    auto ran = runner.run(command);
    REQUIRE(ran.ok());
    REQUIRE(ran->succeeded());
    dspace::PluginHost host;
    auto record = host.try_load_file(plugin);
    INFO(record.reason);
    CHECK(record.status == dspace::PluginStatus::loaded);
    CHECK(host.try_migrator("fixture_good") != nullptr);
}

TEST_CASE("a shared object for another machine is incompatible, and never loaded", "[plugin_host]") {
    dspace_test::TempDir tmp;
    const fs::path plugin = copy_good(tmp.path());
    patch_byte(plugin, 18, 0x02); // e_machine = EM_SPARC
    dspace::PluginHost host;
    auto record = host.try_load_file(plugin);
    CHECK(record.status == dspace::PluginStatus::incompatible);
    CHECK_THAT(record.reason, Contains("another platform") && Contains("machine 2"));
}

TEST_CASE("a shared object for another word size is incompatible", "[plugin_host]") {
    dspace_test::TempDir tmp;
    const fs::path plugin = copy_good(tmp.path());
    patch_byte(plugin, 4, sizeof(void *) == 8 ? 1 : 2); // EI_CLASS: the other word size
    dspace::PluginHost host;
    auto record = host.try_load_file(plugin);
    CHECK(record.status == dspace::PluginStatus::incompatible);
    CHECK_THAT(record.reason, Contains("word size"));
}

TEST_CASE("a truncated shared object is reported, not loaded", "[plugin_host]") {
    dspace_test::TempDir tmp;
    const fs::path plugin = copy_good(tmp.path());
    fs::resize_file(plugin, 200);
    dspace::PluginHost host;
    auto record = host.try_load_file(plugin);
    CHECK(record.status == dspace::PluginStatus::failed);
    CHECK_THAT(record.reason, Contains("not a shared object"));
}
