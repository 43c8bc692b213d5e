// The plugin file naming rule: dspace_<kind>_<name>.so.
#define BOOST_DLL_USE_STD_FS // as dspace_core is built: Boost.DLL on std::filesystem
#include "../../../core/src/plugin_host/loader.hpp"

#include <catch2/catch.hpp>

using dspace::plugin_loader::parse_file_name;

TEST_CASE("parse_file_name splits kind and name", "[plugin_host]") {
    auto flavour = parse_file_name("/x/dspace_flavour_postgres.so");
    REQUIRE(flavour);
    CHECK(flavour->kind == "flavour");
    CHECK(flavour->name == "postgres");
    auto migrator = parse_file_name("dspace_migrator_my_tool.so");
    REQUIRE(migrator);
    CHECK(migrator->kind == "migrator");
    CHECK(migrator->name == "my_tool");
    auto snapshotter = parse_file_name("dspace_snapshotter_pg_dump.so");
    REQUIRE(snapshotter);
    CHECK(snapshotter->name == "pg_dump");
}

TEST_CASE("parse_file_name refuses other names", "[plugin_host]") {
    for (const char *name : {"dspace_flavour_.so", "dspace_flavour.so", "dspace_widget_x.so", "libdspace_flavour_x.so",
                             "dspace_flavour_x.so.1", "dspace_flavour_x", "dspace_flavour_x.dll", ".so", ""}) {
        INFO(name);
        CHECK_FALSE(parse_file_name(name));
    }
}
