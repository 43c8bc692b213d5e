// What the live data directory held when it was last synced with a snapshot (taken or rolled back to):
// per file its size, mtime, inode and ctime, and the digest of its block list. A file whose fingerprint is
// unchanged still equals that block list, so rollback need not read it. Kept beside the data directory
// (<space>/blocks.state); trusted only for the same data directory and the same boot (a machine crash can
// persist data without its new mtime), and never for files modified in the last seconds before it was taken.
#pragma once

#include "block_hash.hpp"
#include "tree_scan.hpp"

#include <map>
#include <optional>
#include <string>

namespace dspace::blocks {

//! A file as it was when synced.
struct Fingerprint {
    std::uint64_t size = 0;    //!< st_size
    std::int64_t mtime_ns = 0; //!< st_mtim
    std::uint64_t inode = 0;   //!< st_ino
    std::int64_t ctime_ns = 0; //!< st_ctim
    QuickHash digest {};       //!< the block list digest it equals
};

//! The state file of the data directory data_dir.
std::string state_path(const std::string &data_dir);
//! The recorded fingerprints of data_dir's files, or nothing when absent, damaged or not trustworthy.
std::optional<std::map<std::string, Fingerprint>> load_state(const std::string &data_dir);
//! True when st still matches fingerprint (same size, mtime, inode and ctime).
bool unchanged(const Fingerprint &fingerprint, const struct stat &st);
//! Removes data_dir's state durably (before the data directory is changed behind its back).
void forget_state(const std::string &data_dir);

//! Collects fingerprints and writes them atomically.
class StateWriter {
public:
    //! A new state for data_dir.
    explicit StateWriter(const std::string &data_dir);
    //! Records file path (stat st) as equal to the block list with digest; skipped when modified too recently to trust.
    void add(const std::string &path, const struct stat &st, const QuickHash &digest);
    //! Writes the state file (temporary file, fsync, rename).
    void commit();

private:
    std::string data_dir_, content_;
    std::int64_t trusted_before_ns_;
    std::uint64_t count_ = 0;
};

} // namespace dspace::blocks
