// The entries of a data directory in path order (the order of block lists), and removing a tree; neither follows symlinks.
#pragma once

#include <string>
#include <sys/stat.h>
#include <vector>

namespace dspace::blocks {

//! One entry below the root.
struct LiveEntry {
    std::string path; //!< relative to the root
    struct stat st {}; //!< lstat of the entry
};

//! Directories, regular files and symlinks below root, sorted by path; other kinds (sockets) are skipped,
//! and entries that vanish while listing are left out.
std::vector<LiveEntry> scan_tree(const std::string &root);
//! The block list type of st: 'F', 'D' or 'L' ('?' for other kinds).
char entry_type(const struct stat &st);
//! Removes path and everything below it, never following symlinks; nothing when it is absent.
void remove_tree(const std::string &path);

} // namespace dspace::blocks
