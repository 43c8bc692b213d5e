// The alembic migrator plugin, loaded from its built file.
#include "migrator_fixture.hpp"

#include <fstream>

using dspace_test::LoadedMigrator;

TEST_CASE("alembic: loads as a migrator and describes itself", "[plugins][migrator][alembic]") {
    LoadedMigrator loaded("alembic");
    CHECK(loaded.record.status == dspace::PluginStatus::loaded);
    CHECK(loaded.migrator->name() == "alembic");
    CHECK_THAT(loaded.migrator->description(), Catch::Contains("Alembic"));
}

TEST_CASE("alembic: probe reports the alembic program", "[plugins][migrator][alembic]") {
    LoadedMigrator loaded("alembic");
    auto probe = loaded.probe("alembic");
    CHECK_THAT(probe.install_hint, Catch::Contains("apt-get install alembic"));
    bool installed = !loaded.host.processes().find_program("alembic", {}).empty();
    CHECK(probe.found == installed);
    if (installed) CHECK_FALSE(probe.version.empty());
}

TEST_CASE("alembic: migrate needs an alembic.ini and a database URL", "[plugins][migrator][alembic]") {
    LoadedMigrator loaded("alembic");
    if (loaded.host.processes().find_program("alembic", {}).empty()) {
        WARN("alembic is not installed: run ./scripts/bootstrap");
        return;
    }
    auto no_ini = loaded.migrator->migrate(loaded.host, dspace_test::request_with({{"DATABASE_URL", "postgresql://u:p@127.0.0.1:1/x"}},
                                                                                  loaded.dir.path().string()));
    REQUIRE_FALSE(no_ini.ok());
    CHECK_THAT(no_ini.message(), Catch::Contains("no alembic.ini"));

    std::ofstream(loaded.dir.path() / "alembic.ini") << "[alembic]\nscript_location = .\n";
    auto no_url = loaded.migrator->migrate(loaded.host, dspace_test::request_with({}, loaded.dir.path().string()));
    REQUIRE_FALSE(no_url.ok());
    CHECK_THAT(no_url.message(), Catch::Contains("SQLALCHEMY_URL"));
}
