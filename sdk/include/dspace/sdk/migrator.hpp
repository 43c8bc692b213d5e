// dspace plugin SDK: the Migrator interface, one schema migration tool.
#pragma once

#include "export.hpp"
#include "flavour.hpp"
#include "host.hpp"
#include "server.hpp"
#include "status.hpp"

#include <string>
#include <vector>

namespace dspace::sdk {

//! What a migration run is given.
struct MigrationRequest {
    std::string flavour;               //!< the space's flavour name
    Environment connection;            //!< the flavour's connection variables (DATABASE_URL, JDBC_URL, …)
    std::string folder;                //!< the migrations folder or changelog the user named
    std::string target;                //!< migrate up to this version; empty = latest
    std::vector<std::string> extra_args; //!< passed through to the tool

    // Since SDK 1.1. The host passes this struct in, so it grows by appending members here.

    Server server;                     //!< the running space: run the flavour's client with it, no password on argv
    Flavour *flavour_plugin = nullptr; //!< the space's flavour (client_command, environment)
    std::string changelog;             //!< the changelog file the user named (--changelog), or empty
};

//! A migration tool driver (liquibase, flyway, alembic).
class DSPACE_SDK_VISIBLE Migrator {
public:
    virtual ~Migrator() = default;
    //! The tool's name as users type it (`--tool NAME`).
    virtual std::string name() const = 0;
    //! One line for `dspace plugins` and `--help`.
    virtual std::string description() const = 0;
    //! The external tools this migrator needs, found or not.
    virtual std::vector<ToolProbe> probe(Host &host) = 0;
    //! Applies pending migrations.
    virtual Status migrate(Host &host, const MigrationRequest &request) = 0;
    //! The migration head the database is at (tool-specific id); empty when none applied.
    virtual Result<std::string> current_head(Host &host, const MigrationRequest &request) = 0;
};

} // namespace dspace::sdk
