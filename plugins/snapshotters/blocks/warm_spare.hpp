// The warm spare: a ready copy of the snapshot a space was last rolled back to, beside its data directory
// (<space>/blocks.spare/data, with its own sync state in <space>/blocks.spare/). When the spare's state says it
// still equals the snapshot, a rollback exchanges the two directories, then their states (renameat2
// RENAME_EXCHANGE), instead of rewriting blocks; the old data becomes the spare, which the next refresh rewrites in
// place to the snapshot again. A swap cut short between its steps leaves each state beside the other directory:
// a state names the directory it describes, so it is never trusted there, and settle_spare_states puts it back.
// The refresh runs in the background without the space's lock, so the spare has its own (SpareLock): a rollback
// that finds it taken leaves the spare alone and rewrites in place.
#pragma once

#include "file_io.hpp"

#include <string>

namespace dspace::blocks {

//! The flock of data_dir's spare (<space>/blocks.spare.lock), held while the spare is refreshed, swapped or removed.
class SpareLock {
public:
    //! Takes the lock, waiting for it when wait, else only when it is free (see held()).
    SpareLock(const std::string &data_dir, bool wait);
    //! True when this holds the lock.
    bool held() const { return held_; }

private:
    Fd fd_;
    bool held_ = false;
};

//! Where the spare of data_dir lives.
std::string spare_data_dir(const std::string &data_dir);
//! Creates the spare's directories when missing: the spare with the mode and owner of data_dir.
void make_spare_dir(const std::string &data_dir);
//! Exchanges data_dir with its spare (both must exist), then their states; each step durable.
void swap_in_spare(const std::string &data_dir);
//! Finishes a swap cut short after the directories were exchanged: moves the states back beside the directories
//! they describe. Nothing when they are already there or there is no spare.
void settle_spare_states(const std::string &data_dir);
//! Removes data_dir's spare, its state first (a removal cut short leaves a spare that is never used).
void remove_spare(const std::string &data_dir);

} // namespace dspace::blocks
