// The shipped flavours' SDK 1.1 capabilities and configuration keys, as the host sees them (no server needed).
#include <dspace/core/plugin_host.hpp>
#include <dspace/sdk/flavour_capabilities.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

using Catch::Matchers::Contains;

namespace {

//! A server description with a password that must never show.
dspace::sdk::Server sample_server() {
    dspace::sdk::Server server;
    server.space = "s";
    server.version = "15";
    server.listen_address = "127.0.0.1";
    server.port = 5999;
    server.user = "dev";
    server.password = "pw-never-shown";
    server.database = "app";
    server.run_dir = "/tmp/run";
    return server;
}

//! True when plugins declared key, attributed to plugin.
bool declared(const dspace::PluginHost &plugins, const std::string &key, const std::string &plugin) {
    const auto &keys = plugins.declared_config_keys();
    return std::any_of(keys.begin(), keys.end(), [&](const dspace::DeclaredConfigKey &k) {
        return k.key == key && k.plugin == plugin && k.type == dspace::sdk::ConfigKeyType::text && !k.description.empty();
    });
}

} // namespace

TEST_CASE("the postgres flavour provides its SDK 1.1 capabilities and declares its configuration key", "[flavour][capabilities]") {
    dspace::PluginHost plugins;
    plugins.load_file(std::filesystem::path(DSPACE_TEST_PLUGIN_DIR) / "dspace_flavour_postgres.so");
    const auto server = sample_server();
    REQUIRE(plugins.capability<dspace::sdk::LogicalDump>("postgres") != nullptr);
    REQUIRE(plugins.capability<dspace::sdk::Quiesce>("postgres") != nullptr);
    CHECK(plugins.capability<dspace::sdk::StopCommand>("postgres") == nullptr); // its clean stop is SIGINT
    auto *layout = plugins.capability<dspace::sdk::PageLayout>("postgres");
    REQUIRE(layout != nullptr);
    CHECK(layout->page_size(server) == 8192);
    auto *url = plugins.capability<dspace::sdk::DisplayUrl>("postgres");
    REQUIRE(url != nullptr);
    CHECK(url->display_url(server) == "postgresql://dev@127.0.0.1:5999/app");
    CHECK(declared(plugins, "flavours.postgres.server_user", "flavour/postgres"));
}

TEST_CASE("the mysql flavour provides its SDK 1.1 capabilities and declares its configuration key", "[flavour][capabilities]") {
    dspace::PluginHost plugins;
    plugins.load_file(std::filesystem::path(DSPACE_TEST_PLUGIN_DIR) / "dspace_flavour_mysql.so");
    const auto server = sample_server();
    REQUIRE(plugins.capability<dspace::sdk::LogicalDump>("mysql") != nullptr);
    CHECK(plugins.capability<dspace::sdk::Quiesce>("mysql") == nullptr);
    auto *stop = plugins.capability<dspace::sdk::StopCommand>("mysql");
    REQUIRE(stop != nullptr);
    auto command = stop->stop_command(server);
    REQUIRE_FALSE(command.argv.empty());
    CHECK_THAT(command.argv.front(), Contains("mariadb-admin") || Contains("mysqladmin"));
    CHECK(command.argv.back() == "shutdown");
    CHECK(std::find(command.argv.begin(), command.argv.end(), "--user=root") != command.argv.end());
    auto *layout = plugins.capability<dspace::sdk::PageLayout>("mysql");
    REQUIRE(layout != nullptr);
    CHECK(layout->page_size(server) == 16384);
    auto *url = plugins.capability<dspace::sdk::DisplayUrl>("mysql");
    REQUIRE(url != nullptr);
    CHECK(url->display_url(server) == "mysql://dev@127.0.0.1:5999/app");
    CHECK(declared(plugins, "flavours.mysql.server_user", "flavour/mysql"));
}
