// The migrator plugins against a real space: each runs its real tool (alembic, liquibase) with the
// connection variables `dspace env` gives, and the schema it migrates appears in the database.
#include "plugins/migrator/migrator_fixture.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <fstream>

using dspace_test::LoadedMigrator;
using dspace_test::query;
using dspace_test::TestHome;

namespace {

//! The connection variables of a space, from `dspace env NAME --format json`.
dspace::sdk::Environment connection_of(const TestHome &home, const std::string &space) {
    rapidjson::Document vars;
    vars.Parse(home.ok({"env", space, "--format", "json"}).c_str());
    REQUIRE(vars.IsObject());
    dspace::sdk::Environment env;
    for (auto it = vars.MemberBegin(); it != vars.MemberEnd(); ++it) env.emplace_back(it->name.GetString(), it->value.GetString());
    return env;
}

} // namespace

TEST_CASE("alembic migrates a postgres space to head and reports the head", "[integration][migrator]") {
    LoadedMigrator alembic("alembic");
    if (alembic.host.processes().find_program("alembic", {}).empty()) {
        WARN("alembic is not installed (apt-get install alembic python3-psycopg2): skipped");
        return;
    }
    TestHome home;
    home.ok({"create", "db", "--flavour", "postgres"});
    auto project = alembic.dir.path() / "project";
    std::filesystem::create_directories(project / "versions");
    std::ofstream(project / "alembic.ini") << "[alembic]\nscript_location = .\n";
    std::ofstream(project / "env.py") << "import os\n"
                                         "from alembic import context\n"
                                         "from sqlalchemy import create_engine\n"
                                         "with create_engine(os.environ['SQLALCHEMY_URL']).connect() as connection:\n"
                                         "    context.configure(connection=connection)\n"
                                         "    with context.begin_transaction():\n"
                                         "        context.run_migrations()\n";
    std::ofstream(project / "versions" / "a1_items.py") << "revision = 'a1'\ndown_revision = None\n"
                                                           "branch_labels = None\ndepends_on = None\n"
                                                           "from alembic import op\n"
                                                           "def upgrade():\n    op.execute('create table migrated_items(id int primary key)')\n"
                                                           "def downgrade():\n    op.execute('drop table migrated_items')\n";
    auto request = dspace_test::request_with(connection_of(home, "db"), project.string());

    auto before = alembic.migrator->current_head(alembic.host, request);
    REQUIRE(before.ok());
    CHECK(before.value().empty());
    auto migrated = alembic.migrator->migrate(alembic.host, request);
    INFO(migrated.message());
    REQUIRE(migrated.ok());
    CHECK(query(home, "db", "select count(*) from migrated_items") == "0");
    auto head = alembic.migrator->current_head(alembic.host, request);
    REQUIRE(head.ok());
    CHECK(head.value() == "a1");
}

TEST_CASE("liquibase updates a postgres space from a changelog and reports the head", "[integration][migrator]") {
    LoadedMigrator liquibase("liquibase");
    if (!liquibase.probe("liquibase").found || !liquibase.probe("java").found) {
        WARN("liquibase or java is not installed (./scripts/bootstrap installs them from npm and Debian): skipped");
        return;
    }
    TestHome home;
    home.ok({"create", "db", "--flavour", "postgres"});
    auto changelog = liquibase.dir.path() / "changelog.sql";
    std::ofstream(changelog) << "--liquibase formatted sql\n\n"
                                "--changeset dspace:1\n"
                                "create table migrated_orders(id int primary key);\n";
    auto request = dspace_test::request_with(connection_of(home, "db"), changelog.string());
    auto migrated = liquibase.migrator->migrate(liquibase.host, request);
    INFO(migrated.message());
    REQUIRE(migrated.ok());
    CHECK(query(home, "db", "select count(*) from migrated_orders") == "0");
    auto head = liquibase.migrator->current_head(liquibase.host, request);
    REQUIRE(head.ok());
    CHECK_FALSE(head.value().empty());
}
