// An exception escaping a plugin method is caught at the boundary and names the plugin, its file and the method.
#include "fixtures.hpp"

#include <dspace/core/config.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/host_services.hpp>
#include <dspace/core/paths.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/sdk/flavour_capabilities.hpp>

#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;

namespace {

std::filesystem::path throwing_flavour_file() { return dspace_test::fixture_dir("throws") / "dspace_flavour_fixture_throws.so"; }

//! "plugin flavour/fixture_throws (<file>) failed in <method>".
std::string attribution(const std::string &method) {
    return "plugin flavour/fixture_throws (" + throwing_flavour_file().string() + ") failed in " + method;
}

} // namespace

TEST_CASE("an exception escaping a plugin method names the plugin, its file and the method", "[plugin_host][guard]") {
    dspace_test::TempDir dir{"dspace-guard-test-", 0700};
    dspace::Config config{dir.path() / "config.json"};
    dspace::HostServices host{dspace::Paths(dir.path()), config};
    dspace::PluginHost plugins;
    plugins.load_file(throwing_flavour_file());
    dspace::sdk::Flavour &flavour = plugins.flavour("fixture_throws");
    dspace::sdk::Server server;

    SECTION("a method returning a value throws dspace::Error with the attribution") {
        CHECK_THROWS_AS(flavour.installed_versions(host), dspace::Error);
        CHECK_THROWS_WITH(flavour.installed_versions(host),
                          Contains(attribution("installed_versions")) && Contains("fixture: installed_versions is broken"));
    }
    SECTION("a method returning a Status fails with the attribution and a hint") {
        dspace::sdk::Status status = flavour.init_cluster(host, server);
        REQUIRE_FALSE(status.ok());
        CHECK_THAT(status.message(), Contains(attribution("init_cluster")) && Contains("fixture: init_cluster is broken"));
        CHECK_THAT(status.hint(), Contains("fixture_throws") && Contains("dspace.log"));
    }
    SECTION("an exception that is not a std::exception is caught too") {
        dspace::sdk::Status status = flavour.configure(host, server);
        REQUIRE_FALSE(status.ok());
        CHECK_THAT(status.message(), Contains(attribution("configure")) && Contains("not a std::exception"));
    }
    SECTION("a capability's method is guarded as well") {
        auto *dump = plugins.capability<dspace::sdk::LogicalDump>("fixture_throws");
        REQUIRE(dump != nullptr);
        auto databases = dump->list_databases(host, server);
        REQUIRE_FALSE(databases.ok());
        CHECK_THAT(databases.status().message(),
                   Contains(attribution("LogicalDump::list_databases")) && Contains("fixture: list_databases is broken"));
    }
    SECTION("methods that do not throw still work through the guard") {
        CHECK(flavour.name() == "fixture_throws");
        CHECK(flavour.default_server_user() == "nobody");
    }
}
