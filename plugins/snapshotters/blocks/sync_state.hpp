// What the live data directory held when it was last synced with a snapshot (taken or rolled back to):
// per file its size, mtime, inode and ctime, and the digest of its block list. A file whose fingerprint is
// unchanged still equals that block list, so rollback need not read it. Kept beside the data directory
// (<space>/blocks.state); trusted only for the same data directory and the same boot (a machine crash can
// persist data without its new mtime), and never for files modified shortly before they were read. It also
// records the block store's generation, so that a later operation knows whether blocks may have been collected.
// Beside it, <space>/blocks.state.list is a hard link to the block list synced with (block lists are never
// modified once written): a file unchanged since then is compared with another snapshot by its lists alone.
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

//! What the last sync recorded: the files' fingerprints, and the block store's generation then (while it is
//! unchanged, every block of the list synced with is still stored).
struct SyncState {
    std::map<std::string, Fingerprint> files; //!< by path
    std::string store_generation;             //!< BlockStore::generation() during the sync
};

//! The state file of the data directory data_dir.
std::string state_path(const std::string &data_dir);
//! Identifies the data directory itself: "device:inode", or empty when it is absent.
std::string directory_identity(const std::string &data_dir);
//! The directory identity data_dir's state file was written for (whatever the directory is now), or empty.
std::string recorded_identity(const std::string &data_dir);
//! What the last sync of data_dir recorded, or nothing when absent, damaged or not trustworthy.
std::optional<SyncState> load_state(const std::string &data_dir);
//! True when st still matches fingerprint (same size, mtime, inode and ctime).
bool unchanged(const Fingerprint &fingerprint, const struct stat &st);
//! The hard link to the block list data_dir was last synced with (may be absent or stale: check digests).
std::string synced_list_path(const std::string &data_dir);
//! Removes data_dir's state (and its extents file) durably (before the data directory is changed behind its back).
void forget_state(const std::string &data_dir);

//! Collects fingerprints and writes them atomically.
class StateWriter {
public:
    //! A new state for data_dir, synced with a store of generation store_generation.
    StateWriter(const std::string &data_dir, const std::string &store_generation);
    //! Records file path (stat st, as read from observed_ns on) as equal to the block list with digest; skipped when
    //! modified so shortly before observed_ns that a later write might keep its mtime.
    void add(const std::string &path, const struct stat &st, const QuickHash &digest, std::int64_t observed_ns);
    //! Links block_list (the list the digests come from) beside the state, then writes the state file (temporary
    //! file, fsync, rename, fsync of the directory, which also makes the link durable).
    void commit(const std::string &block_list);

private:
    std::string data_dir_, store_generation_, content_;
    std::uint64_t count_ = 0;
};

} // namespace dspace::blocks
