// Writes a file into a directory someone else may control (a server-owned data directory) without
// ever following a symlink planted there.
#pragma once

#include <filesystem>
#include <string_view>
#include <sys/types.h>

namespace dspace::fs {

//! Writes content to path atomically with mode and owner uid:gid: the temporary file is created with
//! O_EXCL|O_NOFOLLOW inside the already-open directory, written (every write checked), chowned, fsynced and
//! renamed over path (a symlink at path is replaced, never followed). Throws Error naming the file.
void write_private_file(const std::filesystem::path &path, std::string_view content, unsigned mode, uid_t uid, gid_t gid);

} // namespace dspace::fs
