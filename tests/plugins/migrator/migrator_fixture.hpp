// Loads one built migrator plugin through the plugin host, with host services on a temporary home.
#pragma once

#include "support/temp_dir.hpp"

#include <dspace/core/config.hpp>
#include <dspace/core/host_services.hpp>
#include <dspace/core/paths.hpp>
#include <dspace/core/plugin_host.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>

namespace dspace_test {

//! The built dspace_migrator_<name>.so, loaded, and a Host to call it with.
struct LoadedMigrator {
    TempDir dir{"dspace-migrator-test-"};
    dspace::Config config{dir.path() / "config.json"};
    dspace::HostServices host{dspace::Paths(dir.path()), config};
    dspace::PluginHost plugins;
    dspace::PluginRecord record;
    dspace::sdk::Migrator *migrator = nullptr;

    explicit LoadedMigrator(const std::string &name) {
        record = plugins.load_file(std::filesystem::path(DSPACE_TEST_PLUGIN_DIR) / ("dspace_migrator_" + name + ".so"));
        migrator = plugins.try_migrator(name);
        REQUIRE(migrator != nullptr);
    }

    //! The probe entry for tool; fails the test when the plugin does not report it.
    dspace::sdk::ToolProbe probe(const std::string &tool) {
        auto probes = migrator->probe(host);
        auto it = std::find_if(probes.begin(), probes.end(), [&](const auto &p) { return p.tool == tool; });
        REQUIRE(it != probes.end());
        return *it;
    }
};

//! A migration request for a space whose flavour gave only the given variables.
inline dspace::sdk::MigrationRequest request_with(dspace::sdk::Environment connection, std::string folder) {
    dspace::sdk::MigrationRequest request;
    request.flavour = "postgres";
    request.connection = std::move(connection);
    request.folder = std::move(folder);
    return request;
}

} // namespace dspace_test
