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

TEST_CASE("flyway: probe reports the flyway program with where to get it", "[plugins][migrator][flyway]") {
    LoadedMigrator loaded("flyway");
    auto probe = loaded.probe("flyway");
    CHECK(probe.required);
    CHECK(probe.install_hint == "download from flywaydb.org; not packaged for Debian");
    if (loaded.host.processes().find_program("flyway", {}).empty()) {
        CHECK_FALSE(probe.found);
        CHECK(probe.path.empty());
    } else {
        CHECK(probe.found);
    }
}

TEST_CASE("flyway: migrate without flyway fails with the install hint", "[plugins][migrator][flyway]") {
    LoadedMigrator loaded("flyway");
    if (!loaded.host.processes().find_program("flyway", {}).empty()) {
        WARN("flyway is installed here");
        return;
    }
    auto status = loaded.migrator->migrate(loaded.host, dspace_test::request_with({{"JDBC_URL", "jdbc:postgresql://127.0.0.1:1/x"}}, "."));
    REQUIRE_FALSE(status.ok());
    CHECK_THAT(status.message(), Catch::Contains("flyway is not installed"));
    CHECK_THAT(status.hint(), Catch::Contains("flywaydb.org"));
}
