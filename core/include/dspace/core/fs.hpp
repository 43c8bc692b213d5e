// File-system helpers with crash-safe semantics: atomic writes, private directories, fsync.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace dspace::fs {

namespace stdfs = std::filesystem;

//! Writes content to path atomically: temp file in the same directory, fsync, rename, fsync of the directory.
//! A crash leaves either the old file or the new one.
void write_file_atomic(const stdfs::path &path, std::string_view content, unsigned mode = 0600);
//! Reads a whole file; throws Error naming the file when it cannot.
std::string read_file(const stdfs::path &path);
//! Creates dir and missing parents; a newly created last component gets mode (0700 by default), an existing one keeps its mode.
//! Throws Error when dir is a symbolic link (or not a directory): nothing is ever created through a link.
void make_private_dir(const stdfs::path &dir, unsigned mode = 0700);
//! make_private_dir for the home and its fixed directories (logs/, cache/, spaces/, snapshots/): one that is
//! already a directory, or a link the user made to one (e.g. snapshots/ on another disk), is left as it is.
void make_home_dir(const stdfs::path &dir, unsigned mode = 0700);
//! fsyncs a directory so that renames and creations inside it are durable.
void fsync_dir(const stdfs::path &dir);
//! fsyncs every file and directory below root (and root itself).
void fsync_tree(const stdfs::path &root);
//! Renames from to to (same file system) and fsyncs the parent of to.
void rename_durable(const stdfs::path &from, const stdfs::path &to);
//! Removes a tree if it exists, without ever following a symbolic link: a link (root included) is unlinked, and
//! directories are opened with O_NOFOLLOW relative to their parent (openat), so a link swapped in meanwhile is
//! not descended either. Refuses a path with a ".." component.
void remove_tree(const stdfs::path &root);
//! True when path is a directory itself, not a symbolic link to one.
bool is_real_dir(const stdfs::path &path);
//! Bytes allocated below root (like du), not following links.
std::uint64_t tree_size(const stdfs::path &root);
//! Changes the owner of root and everything below it (no-op when uid is the current owner).
void chown_tree(const stdfs::path &root, unsigned uid, unsigned gid);

} // namespace dspace::fs
