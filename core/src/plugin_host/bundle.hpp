// Org plugin bundles: one archive holding plugin files and bundle.json (name, version, each file's SHA-256).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace dspace::plugin_bundle {

//! The manifest's file name inside a bundle archive.
inline constexpr const char *manifest_name = "bundle.json";

//! One plugin file a bundle holds.
struct BundleFile {
    std::string name;    //!< plain file name, dspace_<kind>_<name>.so
    std::string sha256;  //!< lower-case hex SHA-256 of its bytes
};

//! bundle.json: what a bundle is and holds (also the record kept in <plugin dir>/bundles/<name>.json).
struct BundleManifest {
    std::string name;               //!< the bundle's name (see name_problem)
    std::string version;            //!< the publisher's version text
    std::vector<BundleFile> files;  //!< every plugin file it holds
};

//! Empty when name is a valid bundle name (lower-case letters, digits, '_', '-', '.', 1 to 64 characters, starting
//! with a letter or digit); otherwise why it is not.
std::string name_problem(std::string_view name);

//! The lower-case hex SHA-256 of a file's bytes (OpenSSL EVP); throws Error when it cannot be read.
std::string sha256_file(const std::filesystem::path &file);

//! Parses a manifest; origin names it in errors. Throws Error for bad JSON, a bad name, or a file entry that is
//! not a plugin file name with a 64-digit hex SHA-256.
BundleManifest parse_manifest(std::string_view json, const std::string &origin);

//! The manifest as JSON text.
std::string manifest_json(const BundleManifest &manifest);

//! Extracts archive into dir (existing, empty, private). Only regular files with plain names are accepted: an
//! absolute path, '..', a directory, a symbolic or hard link, a device or a name seen twice makes it throw Error
//! (the caller then discards dir). Returns the file names extracted, in archive order.
std::vector<std::string> extract_archive(const std::filesystem::path &archive, const std::filesystem::path &dir);

} // namespace dspace::plugin_bundle
