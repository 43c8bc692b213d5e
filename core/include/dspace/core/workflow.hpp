// A project's development data workflow: `dspace up` (idempotent initialise), seed, named logical backups
// (dump / load, the special one `_init`), reset to an empty database, down.
//
// Backups live in the project's backups directory, one directory per name: data.dump (the flavour's
// LogicalDump of the initial database) and backup.json (flavour, server version, migration tool and head).
// A backup is built under a hidden temporary name and renamed into place, so a kill leaves the old or the new.
#pragma once

#include <dspace/core/host_services.hpp>
#include <dspace/core/migrate.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/core/project.hpp>
#include <dspace/core/snapshot.hpp>
#include <dspace/core/space.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace dspace {

//! The backup `up` loads into an empty database, and `seed` saves.
inline constexpr const char *init_backup = "_init";

//! What backup.json records about a backup.
struct BackupInfo {
    std::string name;            //!< the backup's name
    std::string flavour;         //!< flavour of the space dumped
    std::string server_version;  //!< its server version
    std::string migration_tool;  //!< the migration tool, when known
    std::string migration_head;  //!< the migration head at the dump, when known
    std::string created;         //!< ISO-8601 UTC
};

//! Options of `dspace up`.
struct UpOptions {
    bool clean = false;        //!< recreate the space from nothing
    std::string load;          //!< load this backup instead of `_init` / seeding
    bool skip_seed = false;    //!< never run the seed commands
    bool skip_migrate = false; //!< apply no migrations
};

//! Receives one line per step taken or skipped, with why.
using StepReport = std::function<void(const std::string &)>;

//! The workflow verbs for one project (or, outside a project, for one space with default settings).
class Workflow {
public:
    //! Every reference must outlive the workflow.
    Workflow(HostServices &host, PluginHost &plugins, SpaceManager &spaces, SnapshotService &snapshots, Project project,
             StepReport report);

    //! Creates/starts the space, fills an empty database (_init, or seed and save _init), migrates.
    void up(const UpOptions &options);
    //! Empties the database, migrates, runs the seed commands, saves `_init`.
    void seed();
    //! Saves a logical backup named name (empty: UTC timestamp); refuses an existing name without force. Returns the name.
    std::string dump(const std::string &name, bool force);
    //! Replaces the database's contents with backup name (checked first), then applies newer migrations.
    void load(const std::string &name);
    //! Recreates the space with an empty database (same port, user, password); snapshot_first: take that snapshot first.
    void reset(const std::string &snapshot_first);
    //! Stops the space, keeping its data.
    void down();

    //! The backup named name, if there is one (throws Error for a damaged backup.json).
    std::optional<BackupInfo> backup(const std::string &name) const;

private:
    //! The space's state, created from the project when missing, started when stopped.
    SpaceState ensure_running();
    //! Runs migrate when the project has migrations; snapshot_first as MigrateOptions.
    void migrate(bool snapshot_first);
    //! Runs every seed command with the space's environment; throws naming the command that failed.
    void run_seed_commands(const SpaceState &state);
    //! Restores backup info (checked against state) into the running, empty state.
    void restore(const SpaceState &state, const BackupInfo &info);
    //! Recreates the space empty (the same settings), running.
    SpaceState recreate();
    //! The backup's directory (name validated).
    std::filesystem::path backup_dir(const std::string &name) const;

    HostServices &host_;
    PluginHost &plugins_;
    SpaceManager &spaces_;
    SnapshotService &snapshots_;
    MigrationService migrations_;
    Project project_;
    StepReport report_;
};

//! Throws UsageError when name cannot name a backup (`_init`, or a valid name of letters, digits, '-', '_').
void validate_backup_name(const std::string &name);

} // namespace dspace
