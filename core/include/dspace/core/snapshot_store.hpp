// The snapshot repository behind one storage interface: local today; file:// and s3:// destinations
// and export formats implement the same interface later, with no change to any snapshotter.
#pragma once

#include <dspace/core/snapshot_manifest.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace dspace {

//! A snapshot being written: a private directory that becomes the snapshot on publish.
struct StagedSnapshot {
    std::string space;                  //!< the space it belongs to
    std::string name;                   //!< the snapshot's name
    std::filesystem::path dir;          //!< the staging directory
    std::filesystem::path payload_dir;  //!< the empty payload directory for the snapshotter
};

//! One thing `verify` found wrong.
struct StoreProblem {
    std::string space;        //!< the space directory it is in
    std::string name;         //!< the snapshot or leftover entry (empty for a stray entry of the store's root, named by space)
    std::string description;  //!< what is wrong
};

//! Where snapshots live. Snapshots are immutable once published and appear only when complete.
class SnapshotStore {
public:
    virtual ~SnapshotStore() = default;
    //! Creates a staging area for snapshot name of space.
    virtual StagedSnapshot stage(const std::string &space, const std::string &name) = 0;
    //! Syncs the staged payload, writes the manifest last and makes the snapshot visible atomically,
    //! replacing an existing snapshot of that name only when replace is true.
    virtual void publish(const StagedSnapshot &staged, const SnapshotManifest &manifest, bool replace) = 0;
    //! Deletes a staging area that will not be published.
    virtual void discard(const StagedSnapshot &staged) = 0;
    //! True when the snapshot exists (its directory is published).
    virtual bool exists(const std::string &space, const std::string &name) const = 0;
    //! The manifest of a snapshot; throws Error naming the file when it is missing or corrupt.
    virtual SnapshotManifest read(const std::string &space, const std::string &name) const = 0;
    //! Every readable snapshot of space (every space when empty), oldest first.
    virtual std::vector<SnapshotManifest> list(const std::string &space) const = 0;
    //! A local directory holding the snapshot's payload (read-only: never modify or hard-link out of it).
    virtual std::filesystem::path payload_dir(const std::string &space, const std::string &name) const = 0;
    //! Deletes a snapshot: hidden first (renamed), then removed.
    virtual void remove(const std::string &space, const std::string &name) = 0;
    //! Copies a snapshot to a new name (possibly under another space); the copy's manifest names its new place.
    virtual void copy(const std::string &space, const std::string &name, const std::string &to_space, const std::string &to_name) = 0;
    //! Finishes or undoes what an interrupted publish or remove left in space's directory (every space when empty).
    virtual void recover(const std::string &space) = 0;
    //! Why the snapshot is not sound (no manifest, or a payload file missing, extra, resized or not matching its
    //! XXH3 checksum, named), or empty when its payload matches its manifest. Restores call it before they destroy.
    virtual std::string damage(const std::string &space, const std::string &name) const = 0;
    //! Checks catalogue against files and checksums for space (every space when empty); with repair, deletes the bad entries.
    virtual std::vector<StoreProblem> verify(const std::string &space, bool repair) = 0;
};

//! The snapshot store in $DSPACE_HOME/snapshots/<space>/<snap>/{manifest.json,payload/}.
std::unique_ptr<SnapshotStore> make_local_snapshot_store(const std::filesystem::path &root);

} // namespace dspace
