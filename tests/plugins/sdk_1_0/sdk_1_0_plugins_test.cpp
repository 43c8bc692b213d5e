// Plugins built against the frozen SDK 1.0 headers, loaded into the current host and used through it.
#include "support/temp_dir.hpp"

#include <dspace/core/config.hpp>
#include <dspace/core/host_services.hpp>
#include <dspace/core/paths.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/sdk/flavour_capabilities.hpp>
#include <dspace/sdk/migrator_capabilities.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

namespace {

std::filesystem::path sdk_1_0_plugin(const std::string &kind, const std::string &name) {
    return std::filesystem::path(DSPACE_TEST_SDK_1_0_FIXTURE_DIR) / ("dspace_" + kind + "_" + name + ".so");
}

//! A HostServices on a temporary DSPACE_HOME.
struct TestHost {
    dspace_test::TempDir dir{"dspace-sdk10-test-", 0700};
    dspace::Config config{dir.path() / "config.json"};
    dspace::HostServices host{dspace::Paths(dir.path()), config};
};

} // namespace

TEST_CASE("an SDK 1.0 flavour loads, probes, and gets its LogicalDump from the host's adapter", "[sdk_1_0]") {
    TestHost test;
    dspace::PluginHost plugins;
    auto record = plugins.load_file(sdk_1_0_plugin("flavour", "legacy_fake"));
    CHECK(record.sdk == "1.0");
    CHECK(record.version == "1.0.0");
    dspace::sdk::Flavour &flavour = plugins.flavour("legacy_fake");
    auto probes = flavour.probe(test.host);
    REQUIRE(probes.size() == 1);
    CHECK(probes[0].found);
    CHECK(flavour.installed_versions(test.host) == std::vector<std::string>{"1"});
    CHECK(flavour.check_online_snapshot(test.host, {}).ok()); // its own 1.0 method, not the 1.1 default

    dspace::sdk::Server server;
    server.database = "app";
    server.user = "u";
    server.port = 5999;
    CHECK(flavour.environment(server).at(0).second == "legacy://u@127.0.0.1:5999/app");
    auto *dump = plugins.capability<dspace::sdk::LogicalDump>("legacy_fake");
    REQUIRE(dump != nullptr);
    auto databases = dump->list_databases(test.host, server);
    REQUIRE(databases.ok());
    CHECK(*databases == std::vector<std::string>{"app", "second"});
    CHECK(dump->dump_command(server, "app", "/x/app.dump").argv == std::vector<std::string>{"legacy-dump", "app", "/x/app.dump"});
    CHECK(dump->restore_command(server, "app", "/x/app.dump").argv ==
          std::vector<std::string>{"legacy-restore", "app", "/x/app.dump"});
    // Capabilities added in 1.1 are absent: the host uses its fallbacks.
    CHECK(plugins.capability<dspace::sdk::StopCommand>("legacy_fake") == nullptr);
    CHECK(plugins.capability<dspace::sdk::DisplayUrl>("legacy_fake") == nullptr);
}

TEST_CASE("an SDK 1.0 migrator runs through the current host with a 1.1 MigrationRequest", "[sdk_1_0]") {
    TestHost test;
    dspace::PluginHost plugins;
    auto record = plugins.load_file(sdk_1_0_plugin("migrator", "legacy_echo"));
    CHECK(record.sdk == "1.0");
    dspace::sdk::Migrator &migrator = plugins.migrator("legacy_echo");
    auto probes = migrator.probe(test.host);
    REQUIRE(probes.size() == 1);
    CHECK(probes[0].found);

    dspace::sdk::MigrationRequest request;
    request.flavour = "postgres";
    request.connection = {{"DATABASE_URL", "postgresql://u@127.0.0.1:1/app"}};
    request.folder = test.dir.path().string();
    request.target = "v2";
    request.extra_args = {"--extra"};
    request.server.port = 1; // members added in 1.1 follow the 1.0 ones; the 1.0 plugin never sees them
    request.changelog = "ignored.xml";
    REQUIRE(migrator.migrate(test.host, request).ok());
    auto head = migrator.current_head(test.host, request);
    REQUIRE(head.ok());
    CHECK(*head == "v2@postgres --extra\n");
    CHECK(plugins.capability<dspace::sdk::MigrationPlan>("legacy_echo") == nullptr);
}

TEST_CASE("an SDK 1.0 snapshotter loads and reports itself physical", "[sdk_1_0]") {
    dspace::PluginHost plugins;
    auto record = plugins.load_file(sdk_1_0_plugin("snapshotter", "legacy_copy"));
    CHECK(record.sdk == "1.0");
    CHECK(plugins.snapshotter("legacy_copy").method() == dspace::sdk::SnapshotMethod::physical);
}
