// The pure parts of export and create --from: format names, what a data directory's top level says (flavour,
// version, database), the export label, and data directories as tars (round trip, refusal of escaping paths).
#include "../../../core/src/formats/data_dirs.hpp"
#include "../../../core/src/formats/data_label.hpp"
#include "../../../core/src/formats/data_tar.hpp"
#include "support/temp_dir.hpp"

#include <dspace/core/adopt.hpp>
#include <dspace/core/data_format.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

using namespace dspace;

TEST_CASE("data formats are named pgdata, tar and dump; another name is a usage error", "[formats]") {
    for (DataFormat format : {DataFormat::pgdata, DataFormat::tar, DataFormat::dump})
        CHECK(parse_data_format(to_string(format)) == format);
    CHECK_THROWS_AS(parse_data_format("zip"), UsageError);
    CHECK_THROWS_AS(parse_data_format(""), UsageError);
}

TEST_CASE("a data directory's top level tells its flavour, version and default database", "[formats]") {
    DataTop pg;
    pg.files["PG_VERSION"] = "15\n";
    pg.dirs = {"base", "global"};
    auto kind = data_dir_kind(pg);
    REQUIRE(kind);
    CHECK(kind->flavour == "postgres");
    CHECK(kind->superuser == "postgres");
    CHECK(data_dir_version(*kind, pg) == "15");
    CHECK(default_database(*kind, pg) == "postgres");

    DataTop maria;
    maria.dirs = {"mysql", "performance_schema", "sys", "shop", "#innodb_temp"};
    maria.files["mysql_upgrade_info"] = "10.11.6-MariaDB";
    kind = data_dir_kind(maria);
    REQUIRE(kind);
    CHECK(kind->flavour == "mysql");
    CHECK(data_dir_version(*kind, maria) == "10.11");
    CHECK(default_database(*kind, maria) == "shop");
    maria.dirs.insert("other");
    CHECK(default_database(*kind, maria).empty()); // two databases: none is chosen
    maria.files.clear();
    CHECK(data_dir_version(*kind, maria).empty());

    CHECK_FALSE(data_dir_kind(DataTop{{"base"}, {}}));
    CHECK_THROWS_AS(data_dir_kind_of("redis"), Error);
}

TEST_CASE("installed versions match the data's major version", "[formats]") {
    CHECK(version_matches("15", "15"));
    CHECK(version_matches("15.4", "15"));
    CHECK(version_matches("10.11.6", "10.11"));
    CHECK_FALSE(version_matches("15", "1"));
    CHECK_FALSE(version_matches("15", "99"));
    CHECK_FALSE(version_matches("10.6.1", "10.11"));
    CHECK_FALSE(version_matches("15", ""));
}

TEST_CASE("the export label round-trips; a damaged one is ignored", "[formats]") {
    DataLabel label{"postgres", "15", "app", "shop"};
    auto read = parse_data_label(data_label_json(label));
    REQUIRE(read);
    CHECK(read->flavour == "postgres");
    CHECK(read->version == "15");
    CHECK(read->user == "app");
    CHECK(read->database == "shop");
    CHECK_FALSE(parse_data_label("{not json"));
    CHECK_FALSE(parse_data_label("{\"flavour\":\"postgres\"}"));
}

TEST_CASE("a data directory written as a tar reads back whole, without the skipped entries", "[formats]") {
    dspace_test::TempDir dir;
    auto data = dir.path() / "data";
    std::filesystem::create_directories(data / "base" / "1");
    fs::write_file_atomic(data / "PG_VERSION", "15\n");
    fs::write_file_atomic(data / "base" / "1" / "1259", std::string(100000, 'x'));
    fs::write_file_atomic(data / "dspace.conf", "port = 1\n");
    std::filesystem::create_symlink("base", data / "link");
    std::uint64_t written = 0;
    auto tar = dir.path() / "data.tar";
    write_data_tar(data, tar, {"dspace.conf"}, data_label_file, data_label_json({"postgres", "15", "dspace", "db"}),
                   [&](std::uint64_t bytes) { written += bytes; });
    CHECK(written == 100003);
    CHECK(looks_like_data_tar(tar));
    struct stat st {};
    REQUIRE(::stat(tar.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    DataTop top = read_tar_top(tar);
    CHECK(top.dirs == std::set<std::string>{"base"});
    CHECK(top.files.at("PG_VERSION") == "15\n");
    REQUIRE(parse_data_label(top.files.at(data_label_file)));
    CHECK(parse_data_label(top.files.at(data_label_file))->database == "db");

    auto out = dir.path() / "out";
    std::filesystem::create_directory(out);
    extract_data_tar(tar, out, ::geteuid(), ::getegid(), {});
    CHECK(fs::read_file(out / "base" / "1" / "1259") == std::string(100000, 'x'));
    CHECK(fs::read_file(out / "PG_VERSION") == "15\n");
    CHECK(std::filesystem::read_symlink(out / "link") == "base");
    CHECK_FALSE(std::filesystem::exists(out / "dspace.conf"));
    CHECK_THROWS_AS(write_data_tar(data, tar, {}, {}, {}, {}), Error); // never overwrites
}

TEST_CASE("a tar whose entries leave the target is refused", "[formats]") {
    dspace_test::TempDir dir;
    auto tar = dir.path() / "evil.tar";
    archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    REQUIRE(archive_write_open_filename(a, tar.c_str()) == ARCHIVE_OK);
    archive_entry *entry = archive_entry_new();
    archive_entry_set_pathname(entry, "../escaped");
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0600);
    archive_entry_set_size(entry, 1);
    REQUIRE(archive_write_header(a, entry) == ARCHIVE_OK);
    REQUIRE(archive_write_data(a, "x", 1) == 1);
    archive_entry_free(entry);
    archive_write_close(a);
    archive_write_free(a);
    auto out = dir.path() / "out";
    std::filesystem::create_directory(out);
    CHECK_THROWS_AS(extract_data_tar(tar, out, ::geteuid(), ::getegid(), {}), Error);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "escaped"));
}

TEST_CASE("create --from tells a data directory, a tar and a dump from their content", "[formats]") {
    dspace_test::TempDir dir;
    auto pgdata = dir.path() / "pgdata";
    std::filesystem::create_directories(pgdata / "base");
    fs::write_file_atomic(pgdata / "PG_VERSION", "15\n");
    CHECK(detect_data_format(pgdata) == DataFormat::pgdata);
    auto datadir = dir.path() / "datadir";
    std::filesystem::create_directories(datadir / "mysql");
    CHECK(detect_data_format(datadir) == DataFormat::pgdata);
    auto dump_dir = dir.path() / "dump-dir";
    std::filesystem::create_directories(dump_dir);
    fs::write_file_atomic(dump_dir / "toc.dat", "PGDMP");
    CHECK(detect_data_format(dump_dir) == DataFormat::dump);
    write_data_tar(pgdata, dir.path() / "data.tar", {}, {}, {}, {});
    CHECK(detect_data_format(dir.path() / "data.tar") == DataFormat::tar);
    fs::write_file_atomic(dir.path() / "custom.dump", std::string("PGDMP") + std::string(600, '\0'));
    CHECK(detect_data_format(dir.path() / "custom.dump") == DataFormat::dump);
    CHECK_THROWS_AS(detect_data_format(dir.path() / "missing"), Error);
    auto empty = dir.path() / "empty";
    std::filesystem::create_directories(empty);
    CHECK_THROWS_WITH(detect_data_format(empty), Catch::Matchers::Contains("neither a PostgreSQL data directory"));
}
