// A snapshot's manifest (manifest.json): what was captured, by what, and the payload's files with checksums.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace dspace {

//! One regular file of a snapshot's payload.
struct ManifestFile {
    std::string path;       //!< relative to the payload directory, '/'-separated
    std::uint64_t size = 0; //!< bytes
    std::string xxh3_128;   //!< XXH3-128 of the content, 32 lower-case hex digits
};

//! The manifest format this dspace writes; it reads this one and every older one.
inline constexpr int manifest_format = 2;

//! Everything manifest.json records about one snapshot.
struct SnapshotManifest {
    int format = manifest_format; //!< manifest format: 1 had no space_user/space_database
    std::string space;           //!< the space whose snapshot it is (a copy names the space it was copied to)
    std::string source_space;    //!< the space the data was taken of (kept by copies)
    std::string space_created;   //!< that space's creation time: tells it from a later space of the same name
    std::string space_user;      //!< the database user the data was made with (no password is ever recorded)
    std::string space_database;  //!< the space's database in the data
    std::string name;            //!< the snapshot's name
    std::string flavour;         //!< the space's flavour
    std::string server_version;  //!< the space's server version
    std::string snapshotter;     //!< the snapshotter that wrote the payload
    std::string method;          //!< "physical" or "logical"
    std::string parent;          //!< the space's previous snapshot, or empty
    std::string created;         //!< ISO-8601 UTC
    std::uint64_t size_bytes = 0; //!< sum of the payload's file sizes
    std::string message;         //!< the user's -m text
    std::string migration_head;  //!< the migration head when taken (empty when unknown)
    std::string migration_tool;  //!< the migrator that head is of (empty when unknown)
    std::vector<ManifestFile> files; //!< the payload's regular files, sorted by path
};

//! manifest.json's text (pretty JSON).
std::string manifest_to_json(const SnapshotManifest &manifest);
//! Parses manifest.json's text; throws Error naming origin when it is not valid JSON or lacks a key.
SnapshotManifest manifest_from_json(std::string_view text, const std::string &origin);

//! XXH3-128 of a file's content as 32 hex digits; throws Error naming the file when it cannot be read.
std::string xxh3_128_file(const std::filesystem::path &file);
//! Every regular file below payload_dir with size and checksum, sorted by path (symbolic links are not followed).
std::vector<ManifestFile> scan_payload(const std::filesystem::path &payload_dir);

} // namespace dspace
