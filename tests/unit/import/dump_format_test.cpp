// Dump formats told from their content.
#include "../../../core/src/import/dump_format.hpp"
#include "support/temp_dir.hpp"

#include <dspace/core/error.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <zlib.h>

using namespace dspace::import;

namespace {

std::string tar_header(const std::string &first_entry) {
    std::string block(512, '\0');
    block.replace(0, first_entry.size(), first_entry);
    block.replace(257, 6, std::string("ustar\0", 6));
    return block;
}

const char *pg_plain_head = "--\n-- PostgreSQL database dump\n--\n\n\\restrict abc\n\n-- Dumped from database version 15.18\n";
const char *mariadb_head = "/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB\n--\n-- Host: 127.0.0.1\n";

} // namespace

TEST_CASE("dump formats are told from their first bytes", "[import]") {
    CHECK(classify_dump(std::string("PGDMP\x01\x0f\x00", 8)) == DumpFormat::pg_custom);
    CHECK(classify_dump(tar_header("toc.dat")) == DumpFormat::pg_tar);
    CHECK(classify_dump(tar_header("photos/cat.jpg")) == DumpFormat::unknown);
    CHECK(classify_dump(pg_plain_head) == DumpFormat::pg_plain);
    CHECK(classify_dump(mariadb_head) == DumpFormat::mysql_plain);
    CHECK(classify_dump("-- MySQL dump 10.13  Distrib 8.0.36\n") == DumpFormat::mysql_plain);
    CHECK(classify_dump("") == DumpFormat::unknown);
    CHECK(classify_dump("CREATE TABLE t (id int);\n") == DumpFormat::unknown);
    // A header comment only counts at the start of a line.
    CHECK(classify_dump("SELECT '-- PostgreSQL database dump';\n") == DumpFormat::unknown);
}

TEST_CASE("gzip is recognised by its magic bytes", "[import]") {
    CHECK(is_gzip(std::string("\x1f\x8b\x08", 3)));
    CHECK_FALSE(is_gzip("PGDMP"));
    CHECK_FALSE(is_gzip(std::string("\x1f", 1)));
}

TEST_CASE("formats map to the flavour that restores them", "[import]") {
    CHECK(flavour_of(DumpFormat::pg_directory) == "postgres");
    CHECK(flavour_of(DumpFormat::pg_tar) == "postgres");
    CHECK(flavour_of(DumpFormat::mysql_plain) == "mysql");
    CHECK(flavour_of(DumpFormat::unknown).empty());
}

TEST_CASE("detect_dump reads files, gzip files and dump directories, not file names", "[import]") {
    dspace_test::TempDir dir("dspace-format-");
    auto misleading = dir.path() / "backup.dump"; // plain SQL despite its name
    std::ofstream(misleading) << pg_plain_head;
    CHECK(detect_dump(misleading).format == DumpFormat::pg_plain);
    CHECK_FALSE(detect_dump(misleading).gzip);

    auto gz = dir.path() / "db.sql";
    gzFile out = gzopen(gz.c_str(), "wb");
    gzputs(out, mariadb_head);
    gzclose(out);
    auto found = detect_dump(gz);
    CHECK(found.format == DumpFormat::mysql_plain);
    CHECK(found.gzip);

    std::filesystem::create_directory(dir.path() / "d");
    CHECK_THROWS_WITH(detect_dump(dir.path() / "d"), Catch::Contains("without toc.dat"));
    std::ofstream(dir.path() / "d" / "toc.dat") << "PGDMP";
    CHECK(detect_dump(dir.path() / "d").format == DumpFormat::pg_directory);
    CHECK_THROWS_WITH(detect_dump(dir.path() / "missing"), Catch::Contains("there is no dump"));
}
