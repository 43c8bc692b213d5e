// Writing a directory tree into a zstd-compressed tar archive and extracting it again (libarchive).
#pragma once

#include <dspace/sdk/host.hpp>
#include <dspace/sdk/status.hpp>

#include <string>

namespace dspace::tar {

//! Archives the tree below dir (modes, numeric owners, times, symbolic links) into archive_file.
sdk::Status write_archive(sdk::Progress &progress, const std::string &dir, const std::string &archive_file);
//! Extracts archive_file into the existing directory dir (owners restored when as_root, holes punched for zeros).
sdk::Status extract_archive(sdk::Progress &progress, const std::string &archive_file, const std::string &dir, bool as_root);

} // namespace dspace::tar
