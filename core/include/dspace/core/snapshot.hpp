// Snapshots of spaces: taking, listing, removing, verifying; rolling a space back; copying a space.
//
// Every command that changes a space or its snapshots first calls recover_snapshot_leftovers(),
// then holds the space's lock, so killing dspace at any moment leaves the old or the new state.
#pragma once

#include <dspace/core/host_services.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/core/snapshot_store.hpp>
#include <dspace/core/space.hpp>
#include <dspace/sdk/flavour_capabilities.hpp>

#include <dspace/sdk/snapshotter_capabilities.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dspace {

//! Options of `dspace snapshot NAME SNAP`.
struct SnapshotOptions {
    std::string space;        //!< the space to snapshot
    std::string name;         //!< the new snapshot's name
    std::string snapshotter;  //!< empty = config snapshots.default_snapshotter, else "rsync"
    bool online = false;      //!< physical snapshot of a running server frozen instead of stopped
    std::string message;      //!< -m text
    bool force = false;       //!< replace an existing snapshot of that name
    std::string migration_tool; //!< when not empty: the migration tool and head to record, already known
    std::string migration_head; //!< (otherwise the snapshot asks the space's last migrator for its head)
};

//! Which snapshots `dspace snapshot prune` removes: those matching every criterion given.
struct PruneOptions {
    std::string space;                             //!< only this space's snapshots; empty = every space's
    bool orphans = false;                          //!< only snapshots whose space no longer exists
    std::optional<std::chrono::seconds> older_than; //!< only snapshots taken longer ago than this
};

//! Snapshots, rollback and copies of spaces, over one SnapshotStore.
class SnapshotService {
public:
    //! Uses the local store in $DSPACE_HOME/snapshots.
    SnapshotService(HostServices &host, PluginHost &plugins, SpaceManager &spaces);
    ~SnapshotService();

    //! The store behind every operation.
    SnapshotStore &store() { return *store_; }
    //! Finishes or undoes what an interrupted snapshot, rollback or copy of space left (every space when empty).
    void recover_snapshot_leftovers(const std::string &space);

    //! Takes a snapshot; returns its manifest.
    SnapshotManifest take(const SnapshotOptions &options);
    //! Replaces the data of space by that of its snapshot snap; the space keeps its name, port and
    //! credentials and runs afterwards if it ran before. Open connections are dropped. Returns true when the
    //! snapshotter keeps a warm spare (WarmSpare): refresh_spare(space, snap) should then run in the background.
    bool rollback(const std::string &space, const std::string &snap);
    //! Brings the warm spare of space up to its snapshot snap (WarmSpare::refresh_spare, after the space's lock is
    //! released again); nothing when a rollback is still to be finished, or the space or snapshot is gone.
    void refresh_spare(const std::string &space, const std::string &snap);
    //! Creates new_name as an independent copy of source: of its current data (after a clean stop,
    //! restarted afterwards), or of its snapshot snap when not empty. temporary: the copy belongs to this process,
    //! and the next command removes it once the process has died (CreateOptions::temporary).
    SpaceState copy_space(const std::string &source, const std::string &new_name, const std::string &snap, bool temporary = false);
    //! Creates a space from snapshot snap of space (the `create --from-snapshot SPACE/SNAP` option).
    SpaceState create_from_snapshot(const CreateOptions &options, const std::string &space, const std::string &snap);
    //! Copies snapshot snap of space to new_snap of to_space (space when empty).
    void copy_snapshot(const std::string &space, const std::string &snap, const std::string &new_snap, const std::string &to_space);
    //! Removes snapshots of space.
    void remove(const std::string &space, const std::vector<std::string> &snaps);
    //! Removes every snapshot of space (which need not exist any more).
    void remove_all(const std::string &space);
    //! True when the space a snapshot belongs to no longer exists (the snapshot still restores anywhere).
    bool is_orphan(const SnapshotManifest &manifest) const;
    //! Removes the snapshots options select (at least one criterion is required); returns what was removed.
    std::vector<SnapshotManifest> prune(const PruneOptions &options);
    //! Problems in the store (every space when space is empty); with repair, leftovers are recovered and bad entries removed.
    std::vector<StoreProblem> verify(const std::string &space, bool repair);

    //! Frees stored data no snapshot uses, for every snapshotter with a SharedStore; returns bytes freed.
    std::uint64_t collect_garbage();
    //! What snapshot m occupies in its snapshotter's shared store, or nothing when its snapshotter has none.
    std::optional<sdk::StoreUsage> usage(const SnapshotManifest &m);

private:
    //! Rollback leftovers of one space, its lock held.
    void recover_data_leftovers(const std::string &space);
    //! Finishes an in-place rollback whose journal a crash left behind, its lock held.
    void replay_rollback_journal(const std::string &space);
    //! Rollback by a snapshotter's InPlaceRestore: verify, stop, journal, restore in place, start.
    void rollback_in_place(SpaceState &state, const SnapshotManifest &manifest, sdk::InPlaceRestore &in_place);
    //! The journaled part of an in-place rollback: restore, sync, drop the journal, bring the server back to before.
    void finish_in_place(SpaceState &state, const SnapshotManifest &manifest, sdk::InPlaceRestore &in_place, const std::string &before);
    //! A RestoreJob for a snapshot of state (server left empty).
    sdk::RestoreJob restore_job(const SpaceState &state, const SnapshotManifest &manifest);
    //! Payload directories of every published snapshot by snapshotter.
    std::vector<std::string> live_payload_dirs(const std::string &snapshotter);
    //! Damage the shared stores find in the snapshots of space (every space when empty).
    std::vector<StoreProblem> verify_shared(const std::string &space);
    //! Fills dir (missing or empty) with the data of a snapshot, for a server of state, owned by its OS user.
    void restore_into(const SpaceState &state, const SnapshotManifest &manifest, const std::filesystem::path &dir);
    //! state as it is after restoring manifest's data: a physical snapshot brings its own database name.
    static SpaceState adopting(const SpaceState &state, const SnapshotManifest &manifest);
    //! Throws Error naming the damaged file when the snapshot's payload does not match its manifest.
    void require_intact(const SnapshotManifest &manifest) const;
    //! The snapshotter a manifest names, checked against the space's flavour and version.
    sdk::Snapshotter &restorer(const SpaceState &state, const SnapshotManifest &manifest);
    //! The LogicalDump of the space's flavour for a job of snapshotter (nullptr when it has none); throws Error
    //! naming flavour and snapshotter when snapshotter is logical and the flavour has none (verb: "snapshot", "restore").
    sdk::LogicalDump *logical_dump_for(const SpaceState &state, sdk::Snapshotter &snapshotter, const std::string &verb);
    //! The page size of the space's flavour (PageLayout), or the SDK's default of 8 KiB.
    std::uint32_t page_size_of(const SpaceState &state, const sdk::Server &server);

    HostServices &host_;
    PluginHost &plugins_;
    SpaceManager &spaces_;
    std::unique_ptr<SnapshotStore> store_;
};

} // namespace dspace
