// Which files each installed bundle owns: <plugin dir>/bundles/<bundle>.json, one record per bundle
// (the bundle's manifest as installed).
#pragma once

#include "bundle.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace dspace::plugin_bundle {

//! The directory of a plugin directory's bundle records.
std::filesystem::path records_dir(const std::filesystem::path &plugin_dir);
//! The record of bundle_name (a name name_problem accepts).
std::filesystem::path record_path(const std::filesystem::path &plugin_dir, const std::string &bundle_name);
//! Every readable record (a damaged one, or a symbolic link, is skipped: it owns no file then).
std::vector<BundleManifest> read_records(const std::filesystem::path &plugin_dir);
//! Writes a bundle's record atomically (mode 0644).
void write_record(const std::filesystem::path &plugin_dir, const BundleManifest &manifest);
//! True when manifest lists file_name.
bool lists(const BundleManifest &manifest, const std::string &file_name);
//! The bundle whose record lists file_name; empty when none.
std::string owner_of(const std::filesystem::path &plugin_dir, const std::string &file_name);
//! Drops file_name from every record except keep's (it is being replaced with --force); an emptied record goes.
void disown(const std::filesystem::path &plugin_dir, const std::string &file_name, const std::string &keep);

} // namespace dspace::plugin_bundle
