// Names inside the local snapshot store, and the tree copy it uses (not part of the core's interface).
#pragma once

#include <filesystem>

namespace dspace {

namespace store_files {
inline constexpr const char *manifest = "manifest.json";  //!< written last, inside the staging directory
inline constexpr const char *payload = "payload";         //!< the snapshotter's files
inline constexpr const char *staging = ".staging-";       //!< prefix of a snapshot being written
inline constexpr const char *replaced = ".replaced-";     //!< prefix of a snapshot being replaced by --force
inline constexpr const char *deleted = ".deleted-";       //!< prefix of a snapshot being removed
} // namespace store_files

//! Recreates the tree from at to (must not exist), hard-linking regular files: only for immutable snapshot files.
void link_tree(const std::filesystem::path &from, const std::filesystem::path &to);

} // namespace dspace
