// The flyway migrator plugin, loaded from its built file. Flyway is not packaged for Debian.
#include "migrator_fixture.hpp"

using dspace_test::LoadedMigrator;

TEST_CASE("flyway: loads as a migrator and describes itself", "[plugins][migrator][flyway]") {
    LoadedMigrator loaded("flyway");
    CHECK(loaded.record.status == dspace::PluginStatus::loaded);
    CHECK(loaded.record.kind == "migrator");
    CHECK(loaded.migrator->name() == "flyway");
    CHECK_THAT(loaded.migrator->description(), Catch::Contains("Flyway"));
}

TEST_CASE("flyway: probe reports the flyway CLI with where to get it", "[plugins][migrator][flyway]") {
    LoadedMigrator loaded("flyway");
    auto probe = loaded.probe("flyway");
    CHECK_THAT(probe.install_hint, Catch::Contains("flywaydb.org"));
    CHECK_THAT(probe.install_hint, Catch::Contains("built-in engine"));
    CHECK(probe.found == !loaded.host.processes().find_program("flyway", {}).empty());
}

TEST_CASE("flyway: the built-in engine needs the space's flavour, which only an SDK 1.1 host passes", "[plugins][migrator][flyway]") {
    LoadedMigrator loaded("flyway");
    if (!loaded.host.processes().find_program("flyway", {}).empty()) {
        WARN("flyway is installed here: the built-in engine is not used");
        return;
    }
    auto status = loaded.migrator->migrate(loaded.host, dspace_test::request_with({{"JDBC_URL", "jdbc:postgresql://127.0.0.1:1/x"}}, "."));
    REQUIRE_FALSE(status.ok());
    CHECK_THAT(status.message(), Catch::Contains("built-in Flyway engine needs dspace 1.1"));
}
