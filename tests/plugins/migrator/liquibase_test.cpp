// The liquibase migrator plugin, loaded from its built file.
#include "migrator_fixture.hpp"

#include <fstream>

using dspace_test::LoadedMigrator;

namespace {
bool liquibase_installed(LoadedMigrator &loaded) {
    return !loaded.host.processes()
                .find_program("liquibase", {"/usr/local/lib/node_modules/liquibase/dist/liquibase", "/usr/lib/node_modules/liquibase/dist/liquibase"})
                .empty();
}
} // namespace

TEST_CASE("liquibase: loads as a migrator and describes itself", "[plugins][migrator][liquibase]") {
    LoadedMigrator loaded("liquibase");
    CHECK(loaded.record.status == dspace::PluginStatus::loaded);
    CHECK(loaded.migrator->name() == "liquibase");
    CHECK_THAT(loaded.migrator->description(), Catch::Contains("Liquibase"));
}

TEST_CASE("liquibase: probe reports liquibase (from npm) and java", "[plugins][migrator][liquibase]") {
    LoadedMigrator loaded("liquibase");
    auto liquibase = loaded.probe("liquibase");
    CHECK_THAT(liquibase.install_hint, Catch::Contains("npm install -g liquibase"));
    CHECK(liquibase.found == liquibase_installed(loaded));
    if (liquibase.found) CHECK_THAT(liquibase.version, Catch::Matches("[0-9]+\\.[0-9]+.*"));
    auto java = loaded.probe("java");
    CHECK_THAT(java.install_hint, Catch::Contains("default-jre-headless"));
}

TEST_CASE("liquibase: migrate explains a missing changelog and a missing JDBC_URL", "[plugins][migrator][liquibase]") {
    LoadedMigrator loaded("liquibase");
    auto missing = loaded.migrator->migrate(loaded.host, dspace_test::request_with({}, (loaded.dir.path() / "nope").string()));
    REQUIRE_FALSE(missing.ok());
    CHECK_THAT(missing.message(), Catch::Contains("does not exist"));

    if (!liquibase_installed(loaded)) {
        WARN("liquibase is not installed: run ./scripts/bootstrap");
        return;
    }
    auto changelog = loaded.dir.path() / "changelog.sql";
    std::ofstream(changelog) << "--liquibase formatted sql\n--changeset me:one\nCREATE TABLE t (id int);\n";
    auto no_url = loaded.migrator->migrate(loaded.host, dspace_test::request_with({{"DATABASE_URL", "postgresql://u:p@127.0.0.1:1/x"}},
                                                                                  loaded.dir.path().string()));
    REQUIRE_FALSE(no_url.ok());
    CHECK_THAT(no_url.message(), Catch::Contains("JDBC_URL"));
}
