// The built-in Flyway engine: flyway_schema_history read and written through the flavour's client, and
// the SQL migrations of a folder checked against it and applied. Used when the flyway CLI is not installed.
#pragma once

#include "flyway/flyway_scripts.hpp"

#include <dspace/sdk/host.hpp>
#include <dspace/sdk/migrator.hpp>
#include <dspace/sdk/migrator_capabilities.hpp>

#include <map>
#include <string>
#include <vector>

namespace dspace::migrators::flyway {

//! One row of flyway_schema_history.
struct HistoryRow {
    int installed_rank = 0;   //!< order of application
    std::string version;      //!< empty for repeatable migrations
    std::string description;  //!< as Flyway writes it
    std::string type;         //!< "SQL", "BASELINE", …
    std::string script;       //!< the file name
    std::int32_t checksum = 0; //!< Flyway's checksum (0 when NULL)
    bool success = false;     //!< false for a failed migration
};

//! The engine over one space and one folder.
class Engine {
public:
    //! Scans the folder and reads the history; fails for flavours whose client it cannot drive.
    static sdk::Result<Engine> open(sdk::Host &host, const sdk::MigrationRequest &request);

    //! Applied migrations unchanged (checksum mismatch names the file), no failed migration recorded.
    sdk::Status validate() const;
    //! Applied and pending migrations ("VERSION description", "R description") and the schema version.
    sdk::Result<sdk::MigrationStatus> status() const;
    //! The pending scripts in order, placeholders substituted, after a header naming engine.
    sdk::Result<std::string> pending_scripts_text(const std::string &engine) const;
    //! Applies the pending migrations one by one, each with its history row (in one transaction where the
    //! engine has transactional DDL); a failure names the file and carries the client's error.
    sdk::Status migrate();

private:
    Engine(sdk::Host &host, const sdk::MigrationRequest &request) : host_(host), request_(request) {}
    //! Runs SQL through the flavour's client (tab-separated rows out); a failure carries the client's error.
    sdk::Result<std::string> run_sql(const std::string &sql, const std::string &what, bool transaction) const;
    //! Reads flyway_schema_history (none yet: empty, table_exists_ false).
    sdk::Status read_history();
    //! The scripts that would run, in order (respecting request.target).
    std::vector<const Script *> pending() const;
    //! The highest successfully applied version (Flyway's schema version).
    std::string schema_version() const;
    //! A quoted SQL string literal for this flavour.
    std::string literal(const std::string &text) const;
    //! Placeholder values: -placeholders.K=V arguments and Flyway's built-in flyway:* ones.
    std::map<std::string, std::string> placeholders(const Script &script) const;
    //! The option -NAME=VALUE of the extra arguments, or fallback.
    std::string option(const std::string &name, const std::string &fallback) const;

    sdk::Host &host_;
    sdk::MigrationRequest request_;
    bool postgres_ = false;
    std::vector<Script> scripts_;
    std::vector<HistoryRow> history_;
    bool table_exists_ = false;
};

} // namespace dspace::migrators::flyway
