// What a dump is, told from its content (magic bytes and header comments), never from its file name.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace dspace::import {

//! The dump formats import reads.
enum class DumpFormat { unknown, pg_plain, pg_custom, pg_directory, pg_tar, mysql_plain };

//! A dump found at a path: its format and whether it is gzip-compressed (plain SQL only).
struct DetectedDump {
    DumpFormat format = DumpFormat::unknown; //!< the format of the (decompressed) content
    bool gzip = false;                       //!< true when the file is gzip-compressed
};

//! True when bytes start with the gzip magic (1f 8b).
bool is_gzip(std::string_view bytes);
//! The format of a file whose first bytes (decompressed) are head: PGDMP, a tar whose first entry is
//! toc.dat, or the header comment of pg_dump or mysqldump/mariadb-dump; unknown otherwise.
DumpFormat classify_dump(std::string_view head);
//! Reads path (a file, gunzipping its start, or a pg_dump directory holding toc.dat) and classifies it.
//! Throws Error when it cannot be read.
DetectedDump detect_dump(const std::filesystem::path &path);
//! The flavour that restores format ("postgres" or "mysql"); empty for unknown.
std::string flavour_of(DumpFormat format);
//! A phrase naming format for messages, e.g. "a pg_dump custom-format archive".
std::string describe(DumpFormat format);

} // namespace dspace::import
