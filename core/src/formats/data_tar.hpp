// A data directory as a tar archive (pax, numeric owners; read back from any tar libarchive reads, compressed too).
#pragma once

#include "data_dirs.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <sys/types.h>

namespace dspace {

//! Told the bytes of each file as it is written or extracted (for progress).
using BytesDone = std::function<void(std::uint64_t)>;

//! Writes the tree below dir into a new tar file out (entries relative to dir, as pg_basebackup's base.tar),
//! leaving out the top-level entries named in skip and adding a top-level file extra_name with extra_text
//! when extra_name is not empty. Every write is checked; out is removed on failure.
void write_data_tar(const std::filesystem::path &dir, const std::filesystem::path &out, const std::set<std::string> &skip,
                    const std::string &extra_name, const std::string &extra_text, const BytesDone &done);
//! Extracts tar file in into the empty directory dir, giving every entry to uid:gid. Refuses absolute paths, ".."
//! and links leading out of dir. Throws Error naming the archive.
void extract_data_tar(const std::filesystem::path &in, const std::filesystem::path &dir, uid_t uid, gid_t gid, const BytesDone &done);
//! The DataTop of the data directory archived in the tar file in (its entries are read, their data skipped).
DataTop read_tar_top(const std::filesystem::path &in);
//! True when file starts like a tar archive (ustar magic) whose first entry is not a pg_dump archive's toc.dat.
bool looks_like_data_tar(const std::filesystem::path &file);

} // namespace dspace
