// The small files `dspace migrate` keeps in a space's directory (not part of the core's interface).
#pragma once

#include <dspace/core/migrate.hpp>
#include <dspace/core/paths.hpp>

#include <optional>
#include <string>

namespace dspace {

//! The tool, folder and changelog of a space's last migrate (spaces/<name>/migrate.json).
struct LastMigrate {
    std::string tool;      //!< migrator
    std::string folder;    //!< absolute folder
    std::string changelog; //!< changelog, may be empty
};

//! Remembers the space's last migrate (written atomically, 0600).
void save_last_migrate(const Paths &paths, const std::string &space, const LastMigrate &last);
//! The space's last migrate; nullopt when it never ran or the file is unreadable.
std::optional<LastMigrate> load_last_migrate(const Paths &paths, const std::string &space);

//! Records that a migration is about to run (spaces/<name>/migrate-intent.json, atomically, 0600).
void save_migrate_intent(const Paths &paths, const std::string &space, const InterruptedMigration &intent);
//! Removes the intent record once the migration has ended (applied, rolled back, or kept on purpose).
void clear_migrate_intent(const Paths &paths, const std::string &space);

//! The request to a migrator for a running space: connection, server, flavour, folder, changelog, target.
sdk::MigrationRequest build_migration_request(SpaceManager &spaces, const SpaceState &state, const MigrateOptions &options);

//! Now as ISO-8601 UTC to the second ("2026-12-02T03:04:05Z").
std::string utc_now_iso();
//! Now as a UTC timestamp usable in a name ("20261202T030405Z").
std::string utc_now_compact();

} // namespace dspace
