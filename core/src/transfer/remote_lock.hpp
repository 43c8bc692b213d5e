// Lock objects at a remote (locks/<id>.json, as restic's): a push holds a shared one while it relies on packs the
// remote already has, `remote gc` an exclusive one while it removes packs. Each writes its own lock first and then
// lists the others, so of two that start together at least one sees the other and gives way.
#pragma once

#include <dspace/core/error.hpp>
#include <dspace/core/remotes.hpp>
#include <dspace/core/storage.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dspace::transfer {

//! A lock not refreshed for this long belongs to a killed command: it is ignored (and `remote gc` removes it).
inline constexpr std::chrono::seconds lock_stale_after = std::chrono::minutes(30);
//! A running command refreshes its lock (writes it again) once this long has passed since the last time.
inline constexpr std::chrono::seconds lock_refresh_every = std::chrono::seconds(60);

//! What a lock object says.
struct LockRecord {
    std::string kind;            //!< "push" (shared) or "gc" (exclusive)
    std::string host;            //!< the machine's host name
    long pid = 0;                //!< the command's process id there
    std::int64_t created = 0;    //!< when it was taken, seconds since the epoch (that machine's clock)
    std::int64_t refreshed = 0;  //!< when it was last written
    std::string boot;            //!< the machine's boot id when it was taken ("": not recorded)
    std::string process;         //!< "<pid>-<start time>" of the command (process_token; "": not recorded)
};

//! A lock object's bytes (JSON).
std::string encode_lock(const LockRecord &lock);
//! The lock bytes describe; throws Error naming origin when they are not a lock.
LockRecord decode_lock(std::string_view bytes, const std::string &origin);
//! locks/<id>.json (id: 32 lower-case hex digits).
std::string lock_key(const std::string &id);
//! True for a key lock_key makes.
bool is_lock_key(const std::string &key);
//! True when a lock last written at last_written (seconds; 0: unknown, so fresh) is, at now, fresher than stale_after.
bool lock_is_fresh(std::int64_t last_written, std::int64_t now, std::chrono::seconds stale_after = lock_stale_after);
//! True when lock was taken on this machine, in this boot, by a process that has died since (a killed command):
//! such a lock is stale at once, however fresh.
bool lock_holder_gone(const LockRecord &lock);
//! True when a lock of kind theirs keeps a command taking one of kind mine from running: gc runs alone; pushes
//! run together, never beside a lock of another kind.
bool lock_excludes(const std::string &mine, const std::string &theirs);

//! Another command's lock seen at the remote.
struct SeenLock {
    std::string key;                //!< its object key
    LockRecord record;              //!< what it says (kind "unknown" when it cannot be read)
    std::int64_t age_seconds = 0;   //!< since it was last written
    std::uint64_t size_bytes = 0;   //!< the object's size
};

//! "a push from HOST (pid N), refreshed 3 min ago": a lock for messages.
std::string describe_lock(const SeenLock &lock);

//! This command's lock at a remote, held from construction until destruction.
class RemoteLock {
public:
    //! Writes a lock of kind at storage (remote names it in messages), then lists the other locks; throws Error,
    //! its own lock removed, when a fresh one excludes it (lock_excludes). Stale locks (not refreshed for
    //! lock_stale_after, or lock_holder_gone) are ignored (see stale()).
    //! refresh_every: how often refresh_if_due writes it again.
    RemoteLock(Storage &storage, const Remote &remote, const std::string &kind, std::chrono::seconds refresh_every = lock_refresh_every);
    //! Removes the lock (a failure is logged: the lock then goes stale).
    ~RemoteLock();
    RemoteLock(const RemoteLock &) = delete;
    RemoteLock &operator=(const RemoteLock &) = delete;
    //! The other locks that had gone stale when it was taken.
    const std::vector<SeenLock> &stale() const { return stale_; }
    //! Writes the lock again when refresh_every has passed since it was last written; throws Error when it
    //! is gone (a gc elsewhere took it for stale: what this command relies on may be gone too). Thread-safe.
    void refresh_if_due();
    //! Throws Error when the lock is gone (see refresh_if_due); called before a push publishes what relies on it.
    void check_held();

private:
    void write();
    Error lost() const;
    Storage &storage_;
    Remote remote_;
    std::chrono::seconds refresh_every_;
    std::string key_;
    LockRecord record_;
    std::vector<SeenLock> stale_;
    std::mutex mutex_;
};

} // namespace dspace::transfer
