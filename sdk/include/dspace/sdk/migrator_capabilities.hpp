// dspace plugin SDK: optional capabilities of a migrator (since SDK 1.1).
#pragma once

#include "capability.hpp"
#include "export.hpp"
#include "host.hpp"
#include "migrator.hpp"
#include "status.hpp"

#include <string>
#include <vector>

namespace dspace::sdk {

//! Where a database stands against a set of migrations.
struct MigrationStatus {
    std::string head;                 //!< the tool's id of the last applied migration; empty when none
    std::vector<std::string> applied; //!< applied migrations, oldest first, as the tool names them
    std::vector<std::string> pending; //!< migrations not applied yet, in the order they would run
};

//! Lets `dspace migrate` check, list and preview migrations. Without it, `--status` shows only the head,
//! `--dry-run` and `--try` are refused, and a snapshot is always taken before migrate().
class DSPACE_SDK_VISIBLE MigrationPlan {
public:
    static constexpr CapabilityId id = CapabilityId::migration_plan; //!< this capability's id
    virtual ~MigrationPlan() = default;
    //! Checks the migrations before anything runs: they parse (failures name file and line), and applied
    //! ones were not edited since (checksum mismatches name the file). Reads the database, changes nothing.
    virtual Status validate(Host &host, const MigrationRequest &request) = 0;
    //! Applied and pending migrations and the current head.
    virtual Result<MigrationStatus> status(Host &host, const MigrationRequest &request) = 0;
    //! The SQL (or plan) migrate() would run, changing nothing.
    virtual Result<std::string> dry_run(Host &host, const MigrationRequest &request) = 0;
};

} // namespace dspace::sdk
