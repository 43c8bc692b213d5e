// The blocks snapshotter's operations on a data directory, a payload (block list) and the block store.
#pragma once

#include "block_hash.hpp"
#include "reflink.hpp"

#include <dspace/sdk/host.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dspace::blocks {

//! Files newer than this before a block list's creation are re-read by the next snapshot, not trusted by mtime.
inline constexpr std::int64_t racy_margin_ns = 2'000'000'000;

//! Where things are for one operation.
struct EngineJob {
    std::string store_root;            //!< the block store ($DSPACE_HOME/blocks)
    std::string data_dir;              //!< the data directory snapshotted or restored
    std::string payload_dir;           //!< the snapshot's payload directory
    std::string previous_payload_dir;  //!< snapshot: the parent's payload, or empty
    std::uint32_t page_size = 8192;    //!< block size
};

//! A live file as the check before a rollback found it: its stat then and the blocks that differ from the snapshot.
struct CheckedFile {
    std::uint64_t size = 0, inode = 0;          //!< st_size, st_ino when checked
    std::int64_t mtime_ns = 0, ctime_ns = 0;    //!< st_mtim, st_ctim when checked
    std::vector<std::uint64_t> differing;       //!< indexes of the blocks to rewrite (or punch)
    std::optional<std::vector<Extent>> extents; //!< its extents when checked, where the check mapped them (reflinks)
};

//! What the check (sync_in_place without apply) learnt, so that the rollback right after it need not read a live
//! file again when its stat is still the same. Only files last modified well before they were checked are kept:
//! a later write then always changes their mtime. Nor need it read again the stored blocks the check verified,
//! where it clones them rather than writing their bytes.
struct RestorePlan {
    std::string data_dir, payload_dir;            //!< what it is about
    std::map<std::string, CheckedFile> files;     //!< by path
    std::vector<BlockId> verified;                //!< sorted: the stored blocks the check read and found intact
};

//! Writes the block list of job.data_dir into job.payload_dir and the new blocks into the store; records
//! the data directory's state. Unchanged files (size, mtime) reuse the parent's block lists.
void take_snapshot(const EngineJob &job, sdk::Progress &progress);
//! Fills the empty job.data_dir from the payload, and syncs it to disk.
void restore_new(const EngineJob &job, sdk::Progress &progress);
//! Makes job.data_dir equal to the payload, writing only blocks that differ (apply), or only reads and checks
//! every stored block that would be written (!apply). Idempotent. Leaves syncing the writes to the caller. plan (may be null): filled by the check, used
//! by apply when it is about the same directories.
void sync_in_place(const EngineJob &job, bool apply, sdk::Progress &progress, RestorePlan *plan = nullptr);
//! True when job.data_dir equals the payload as far as its sync state tells, without reading a file: every entry
//! present with its type, mode and target, every file unchanged since it was synced with the entry's blocks, and
//! nothing more. False as soon as anything differs or is unknown.
bool equals_by_state(const EngineJob &job);
//! Reads and checks every stored block the payload uses.
void verify_payload(const std::string &store_root, const std::string &payload_dir);
//! Deletes stored blocks none of the live payloads uses; returns bytes freed.
std::uint64_t collect_garbage(const std::string &store_root, const std::vector<std::string> &live_payload_dirs);
//! Stored bytes of payload_dir: {used by no other live payload, shared with another} (from the block lists alone).
std::pair<std::uint64_t, std::uint64_t> store_usage(const std::string &payload_dir, const std::vector<std::string> &live_payload_dirs);

} // namespace dspace::blocks
