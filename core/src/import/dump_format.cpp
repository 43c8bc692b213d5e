#include "dump_format.hpp"

#include <dspace/core/error.hpp>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <zlib.h>

namespace dspace::import {

namespace {

constexpr size_t head_size = 8192;

//! True when a line of text starts with prefix (after optional leading blanks are not allowed: dumps write them at column 0).
bool has_line_starting(std::string_view text, std::string_view prefix) {
    for (size_t at = 0; at < text.size();) {
        if (text.substr(at, prefix.size()) == prefix) return true;
        auto next = text.find('\n', at);
        if (next == std::string_view::npos) break;
        at = next + 1;
    }
    return false;
}

std::string read_head(const std::filesystem::path &path, bool gzip) {
    std::string head(head_size, '\0');
    if (gzip) {
        gzFile in = ::gzopen(path.c_str(), "rb");
        if (in == nullptr) throw Error("cannot read " + path.string() + ": " + std::strerror(errno));
        int n = ::gzread(in, head.data(), static_cast<unsigned>(head.size()));
        ::gzclose(in);
        if (n < 0) throw Error(path.string() + " is not a valid gzip file", "check that the file was copied completely");
        head.resize(static_cast<size_t>(n));
        return head;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read " + path.string() + ": " + std::strerror(errno), "check the path of the dump");
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    return head;
}

} // namespace

bool is_gzip(std::string_view bytes) { return bytes.size() >= 2 && bytes[0] == '\x1f' && bytes[1] == '\x8b'; }

DumpFormat classify_dump(std::string_view head) {
    if (head.substr(0, 5) == "PGDMP") return DumpFormat::pg_custom;
    // A POSIX tar header: the entry's name at 0 (NUL-padded), "ustar" at 257. pg_dump's first entry is toc.dat.
    if (head.size() >= 512 && head.substr(257, 5) == "ustar")
        return head.substr(0, 8) == std::string_view("toc.dat\0", 8) ? DumpFormat::pg_tar : DumpFormat::unknown;
    std::string_view text = head.substr(0, 4096);
    if (has_line_starting(text, "-- MariaDB dump") || has_line_starting(text, "-- MySQL dump")) return DumpFormat::mysql_plain;
    if (has_line_starting(text, "-- PostgreSQL database dump")) return DumpFormat::pg_plain;
    return DumpFormat::unknown;
}

DetectedDump detect_dump(const std::filesystem::path &path) {
    std::error_code ec;
    auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
        throw Error("there is no dump at " + path.string(), "give the path of a dump file or directory, or a postgresql:// or mysql:// URL");
    if (std::filesystem::is_directory(status)) {
        if (!std::filesystem::is_regular_file(path / "toc.dat", ec))
            throw Error(path.string() + " is a directory without toc.dat, so it is not a pg_dump directory-format dump",
                        "give a dump file, or a directory made by pg_dump --format=directory");
        return {DumpFormat::pg_directory, false};
    }
    DetectedDump found;
    found.gzip = is_gzip(read_head(path, false).substr(0, 2));
    found.format = classify_dump(read_head(path, found.gzip));
    return found;
}

std::string flavour_of(DumpFormat format) {
    switch (format) {
    case DumpFormat::pg_plain:
    case DumpFormat::pg_custom:
    case DumpFormat::pg_directory:
    case DumpFormat::pg_tar: return "postgres";
    case DumpFormat::mysql_plain: return "mysql";
    case DumpFormat::unknown: break;
    }
    return {};
}

std::string describe(DumpFormat format) {
    switch (format) {
    case DumpFormat::pg_plain: return "a pg_dump plain SQL dump";
    case DumpFormat::pg_custom: return "a pg_dump custom-format archive";
    case DumpFormat::pg_directory: return "a pg_dump directory-format dump";
    case DumpFormat::pg_tar: return "a pg_dump tar-format archive";
    case DumpFormat::mysql_plain: return "a mysqldump/mariadb-dump SQL dump";
    case DumpFormat::unknown: break;
    }
    return "not a dump dspace can read";
}

} // namespace dspace::import
