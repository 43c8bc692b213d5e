// Pure logic of the shipped migrators: Flyway's checksum, script names and order, placeholders; the private
// alembic.ini; the Liquibase XML changelog check.
#include "alembic/alembic_ini.hpp"
#include "flyway/flyway_scripts.hpp"
#include "liquibase/changelog_check.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>

namespace fw = dspace::migrators::flyway;
namespace mig = dspace::migrators;

TEST_CASE("flyway checksum: CRC32 of the lines without terminators, BOM stripped, as a signed int", "[plugins][migrator][flyway]") {
    // CRC-32's check value: crc32("123456789") = 0xCBF43926, which is -873187034 as a Java int.
    CHECK(fw::checksum("123456789") == -873187034);
    CHECK(fw::checksum("1234\n56789\n") == -873187034);
    CHECK(fw::checksum("1234\r\n56789") == -873187034);
    CHECK(fw::checksum("\xEF\xBB\xBF" "12345\r6789\r\n") == -873187034);
    CHECK(fw::checksum("") == 0);
    CHECK(fw::checksum("create table tags(id int);\n") == -335081115); // zlib.crc32(b"create table tags(id int);")
}

TEST_CASE("flyway scripts: names, versions and order", "[plugins][migrator][flyway]") {
    auto v = fw::parse_script_name("V1_2__add_users.sql");
    REQUIRE(v);
    CHECK(v->version == "1.2");
    CHECK(v->description == "add users");
    CHECK_FALSE(v->repeatable);
    auto r = fw::parse_script_name("R__refresh_views.sql");
    REQUIRE(r);
    CHECK(r->repeatable);
    CHECK(r->description == "refresh views");
    CHECK_FALSE(fw::parse_script_name("V1_add.sql"));
    CHECK_FALSE(fw::parse_script_name("notes.txt"));
    CHECK_FALSE(fw::parse_script_name("Vx__bad.sql"));
    CHECK(fw::compare_versions("1.10", "1.9") > 0);
    CHECK(fw::compare_versions("1.0", "1") == 0);
    CHECK(fw::compare_versions("2", "10") < 0);
    CHECK(fw::compare_versions("20260101123000", "9") > 0);

    dspace_test::TempDir dir("dspace-flyway-scripts-");
    for (const char *name : {"V10__c.sql", "V2__b.sql", "R__views.sql", "V1_1__a.sql", "readme.md"}) std::ofstream(dir.path() / name) << "select 1;\n";
    auto scripts = fw::scan_folder(dir.path().string());
    REQUIRE(scripts.ok());
    std::vector<std::string> order;
    for (const auto &s : scripts.value()) order.push_back(s.file);
    CHECK(order == std::vector<std::string>{"V1_1__a.sql", "V2__b.sql", "V10__c.sql", "R__views.sql"});
    std::ofstream(dir.path() / "V2_0__dup.sql") << "select 2;\n";
    auto duplicate = fw::scan_folder(dir.path().string());
    REQUIRE_FALSE(duplicate.ok());
    CHECK_THAT(duplicate.status().message(), Catch::Contains("two migrations have version"));
}

TEST_CASE("flyway placeholders: substituted, a missing value names file and placeholder", "[plugins][migrator][flyway]") {
    auto done = fw::substitute("insert into ${table} values ('${who}')", {{"table", "t"}, {"who", "bob"}}, "V1__x.sql");
    REQUIRE(done.ok());
    CHECK(done.value() == "insert into t values ('bob')");
    auto missing = fw::substitute("select '${nope}'", {}, "V1__x.sql");
    REQUIRE_FALSE(missing.ok());
    CHECK_THAT(missing.status().message(), Catch::Contains("V1__x.sql") && Catch::Contains("${nope}"));
}

TEST_CASE("alembic ini: sqlalchemy.url replaced (with % escaped), script_location made absolute", "[plugins][migrator][alembic]") {
    std::string ini = "[alembic]\nscript_location = migrations\nsqlalchemy.url = driver://user:pass@localhost/dbname\n\n"
                      "[loggers]\nkeys = root\n";
    std::string out = mig::alembic_ini_for(ini, "/proj", "postgresql://u:p%40x@127.0.0.1:5/db");
    CHECK_THAT(out, Catch::Contains("script_location = /proj/migrations\n"));
    CHECK_THAT(out, Catch::Contains("sqlalchemy.url = postgresql://u:p%%40x@127.0.0.1:5/db\n"));
    CHECK_THAT(out, !Catch::Contains("driver://"));
    CHECK_THAT(out, Catch::Contains("[loggers]\nkeys = root\n"));

    std::string here = mig::alembic_ini_for("[alembic]\nscript_location = %(here)s/alembic\n[other]\nx = 1\n", "/p", "sqlite://");
    CHECK_THAT(here, Catch::Contains("script_location = /p/alembic\nsqlalchemy.url = sqlite://\n[other]"));
    std::string bare = mig::alembic_ini_for("", "/p", "sqlite://");
    CHECK(bare == "[alembic]\nscript_location = /p\nsqlalchemy.url = sqlite://\n");
}

TEST_CASE("liquibase XML changelog: changesets listed, a malformed one refused with file and line", "[plugins][migrator][liquibase]") {
    dspace_test::TempDir dir("dspace-liquibase-xml-");
    auto file = (dir.path() / "changelog.xml").string();
    std::ofstream(file) << "<?xml version=\"1.0\"?>\n<databaseChangeLog>\n  <changeSet id=\"a\" author=\"t\"/>\n"
                           "  <changeSet id=\"b\" author=\"t\"/>\n</databaseChangeLog>\n";
    auto sets = mig::xml_changesets(file);
    REQUIRE(sets.ok());
    CHECK(sets.value() == std::vector<std::string>{"a", "b"});
    std::ofstream(file) << "<?xml version=\"1.0\"?>\n<databaseChangeLog>\n  <changeSet id=\"a\" author=\"t\">\n"
                           "    <sql>select 1</changeSet>\n</databaseChangeLog>\n";
    auto bad = mig::xml_changesets(file);
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.status().message(), Catch::Contains(file + " does not parse: line 4"));
    std::ofstream(file) << "<project/>\n";
    CHECK_THAT(mig::xml_changesets(file).status().message(), Catch::Contains("root element is <project>"));
}
