// `dspace migrate`: runs a migrator plugin against a space, with a snapshot before, a rollback on failure,
// a status and dry-run through the MigrationPlan capability, and a try-run on a throwaway copy.
//
// While a migration runs, $DSPACE_HOME/spaces/<name>/migrate-intent.json records it (tool, snapshot); a
// migration killed half way leaves it behind, and interrupted_migration() tells the next command about it.
// The tool and folder of the last migrate are kept in spaces/<name>/migrate.json, so that snapshots can
// record the migration head at the moment they are taken.
#pragma once

#include <dspace/core/host_services.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/core/space.hpp>
#include <dspace/sdk/migrator_capabilities.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dspace {

class SnapshotService;

//! What to migrate and how.
struct MigrateOptions {
    std::string space;                   //!< the space
    std::string tool;                    //!< migrator plugin; empty = config migrate.tool, else the space's last one
    std::string folder;                  //!< migrations folder; empty = config migrate.folder, else the space's last one
    std::string changelog;               //!< a changelog file inside (or instead of) the folder; may be empty
    std::string target;                  //!< migrate up to this version; empty = all pending
    bool snapshot_first = true;          //!< take pre-migrate-<UTC> before applying anything
    bool keep_on_failure = false;        //!< on failure leave the failed state instead of rolling back
    std::vector<std::string> extra_args; //!< passed through to the tool
};

//! What a migrate did.
struct MigrateOutcome {
    std::string tool;                 //!< the migrator that ran
    bool pending = false;             //!< whether anything was pending (false: nothing ran, no snapshot); always
                                      //!< true for a migrator without MigrationPlan, which cannot tell
    std::vector<std::string> applied; //!< what this run applied, when the migrator lists migrations
    std::string head_before;          //!< the head before
    std::string head_after;           //!< the head after
    std::string snapshot;             //!< the pre-migrate snapshot's name; empty when none was taken
};

//! One migration of a try-run and how long it took.
struct TryStep {
    std::string migration; //!< the migration (or "all pending" when the migrator lists none)
    double seconds = 0;    //!< wall time
    bool succeeded = false; //!< whether it applied
};

//! What a try-run on a copy found.
struct TryOutcome {
    std::string tool;                     //!< the migrator that ran
    bool succeeded = false;               //!< every pending migration applied
    std::string error;                    //!< the failure, when one failed
    std::vector<TryStep> steps;           //!< per migration, in order
    std::vector<std::string> schema_diff; //!< "- line" / "+ line" of the schema listing before and after
};

//! A migration that was running when dspace was killed.
struct InterruptedMigration {
    std::string tool;     //!< the migrator
    std::string snapshot; //!< the pre-migrate snapshot, empty when none was taken
    std::string started;  //!< ISO-8601 UTC
};

//! Runs migrators against spaces.
class MigrationService {
public:
    //! All four must outlive the service.
    MigrationService(HostServices &host, PluginHost &plugins, SpaceManager &spaces, SnapshotService &snapshots);

    //! Applies pending migrations: snapshot first (unless told not to or nothing is pending), run the tool,
    //! roll back to the snapshot on failure. Throws Error (tool's error, failed migration, what was rolled back).
    MigrateOutcome migrate(const MigrateOptions &options);
    //! Applied and pending migrations and the head (only the head without a MigrationPlan).
    sdk::MigrationStatus status(const MigrateOptions &options);
    //! The SQL or plan migrate would run; changes nothing. Refused without a MigrationPlan.
    std::string dry_run(const MigrateOptions &options);
    //! Runs the pending migrations on a temporary copy of the space, then removes the copy.
    TryOutcome try_run(const MigrateOptions &options);
    //! The tool actually used for options (explicit, config, or the space's last), or a UsageError.
    std::string resolve_tool(const MigrateOptions &options) const;

private:
    //! options with tool and folder resolved and checked, the folder made absolute.
    MigrateOptions resolved(const MigrateOptions &options) const;
    //! The request for the running space state.
    sdk::MigrationRequest request_for(const SpaceState &state, const MigrateOptions &options) const;
    //! The space's state after starting it when stopped (a paused space is refused).
    SpaceState running_space(const std::string &space);

    HostServices &host_;
    PluginHost &plugins_;
    SpaceManager &spaces_;
    SnapshotService &snapshots_;
};

//! The migration a killed dspace left unfinished on space, if any.
std::optional<InterruptedMigration> interrupted_migration(const Paths &paths, const std::string &space);
//! Forgets the interrupted migration of space when snap is the snapshot taken before it (it was rolled back).
void forget_interrupted_migration(const Paths &paths, const std::string &space, const std::string &snap);
//! The message for an interrupted migration, with the command that rolls back.
std::string interrupted_migration_notice(const std::string &space, const InterruptedMigration &interrupted);

//! The migration tool and head of a running space now, from its last migrate or config migrate.tool/folder;
//! empty strings (logged why) when unknown or unreadable. Never throws.
std::pair<std::string, std::string> read_migration_head(HostServices &host, PluginHost &plugins, SpaceManager &spaces,
                                                        const SpaceState &state);

} // namespace dspace
