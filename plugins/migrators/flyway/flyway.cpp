// The flyway migrator. With the real Flyway CLI (config migrators.flyway.program, or `flyway` on PATH) it runs
// `flyway migrate`; without it, a built-in engine applies Flyway's SQL migrations (V<version>__<desc>.sql,
// R__<desc>.sql, ${placeholders}, baseline) through the flavour's own client (psql, mariadb) and keeps
// flyway_schema_history in Flyway's columns and checksums, so a project can switch to the real Flyway later.
// Status, validation and dry-run read flyway_schema_history the same way for both engines.
// Credentials reach the tools through their environment (FLYWAY_PASSWORD, PGPASSWORD, MYSQL_PWD), never argv.
#include "common/migrator_support.hpp"
#include "flyway/flyway_engine.hpp"

#include <dspace/sdk/migrator_capabilities.hpp>
#include <dspace/sdk/plugin.hpp>

#include <chrono>
#include <iostream>
#include <unistd.h>

namespace sdk = dspace::sdk;
namespace mig = dspace::migrators;
namespace fw = dspace::migrators::flyway;

namespace {

const char *const install_hint = "download from flywaydb.org (not packaged for Debian); without it the built-in engine runs";

//! The real Flyway CLI: config migrators.flyway.program, else `flyway` on PATH; empty when neither.
std::string flyway_program(sdk::Host &host) {
    if (auto configured = host.config().get("migrators.flyway.program"); configured && !configured->empty()) return *configured;
    return host.processes().find_program("flyway", {});
}

class Flyway final : public sdk::Migrator, public sdk::MigrationPlan {
public:
    std::string name() const override { return "flyway"; }
    std::string description() const override {
        return "Flyway SQL migrations (V1__name.sql): the flyway CLI when installed, else a built-in engine";
    }

    std::vector<sdk::ToolProbe> probe(sdk::Host &host) override { return {sdk::probe_tool(host, "flyway", install_hint)}; }

    sdk::Status migrate(sdk::Host &host, const sdk::MigrationRequest &request) override {
        if (auto status = validate(host, request); !status.ok()) return status;
        std::string program = flyway_program(host);
        if (!program.empty()) return migrate_with_cli(host, request, program);
        std::cout << "flyway: no flyway CLI installed; the built-in engine applies the migrations" << std::endl;
        auto engine = fw::Engine::open(host, request);
        if (!engine) return engine.status();
        return engine->migrate();
    }

    sdk::Result<std::string> current_head(sdk::Host &host, const sdk::MigrationRequest &request) override {
        auto engine = fw::Engine::open(host, request);
        if (!engine) return engine.status();
        auto status = engine->status();
        if (!status) return status.status();
        return status->head;
    }

    sdk::Status validate(sdk::Host &host, const sdk::MigrationRequest &request) override {
        std::string program = flyway_program(host);
        if (!program.empty() && ::access(program.c_str(), X_OK) != 0)
            return sdk::Status::failure("the flyway CLI " + program + " (config migrators.flyway.program) is not installed",
                                        std::string(install_hint) + "; or `dspace config unset migrators.flyway.program` for the built-in engine");
        auto engine = fw::Engine::open(host, request);
        if (!engine) return engine.status();
        return engine->validate();
    }

    sdk::Result<sdk::MigrationStatus> status(sdk::Host &host, const sdk::MigrationRequest &request) override {
        auto engine = fw::Engine::open(host, request);
        if (!engine) return engine.status();
        return engine->status();
    }

    sdk::Result<std::string> dry_run(sdk::Host &host, const sdk::MigrationRequest &request) override {
        auto engine = fw::Engine::open(host, request);
        if (!engine) return engine.status();
        std::string program = flyway_program(host);
        return engine->pending_scripts_text(program.empty() ? "the built-in engine" : "the flyway CLI (" + program + ")");
    }

private:
    //! `flyway migrate -locations=filesystem:FOLDER [-target=T] EXTRA...` with FLYWAY_URL/USER/PASSWORD in its environment.
    static sdk::Status migrate_with_cli(sdk::Host &host, const sdk::MigrationRequest &request, const std::string &program) {
        std::cout << "flyway: running the flyway CLI " << program << std::endl;
        auto url = mig::require_var(request.connection, {"JDBC_URL"}, "flyway");
        if (!url) return url.status();
        mig::Credentials credentials = mig::credentials(request.connection);
        sdk::Command command;
        command.argv = {program, "migrate", "-locations=filesystem:" + request.folder};
        if (!request.target.empty()) command.argv.push_back("-target=" + request.target);
        command.argv.insert(command.argv.end(), request.extra_args.begin(), request.extra_args.end());
        command.env = request.connection;
        command.env.emplace_back("FLYWAY_URL", url->substr(0, url->find('?')));
        command.env.emplace_back("FLYWAY_USER", credentials.user);
        command.env.emplace_back("FLYWAY_PASSWORD", credentials.password);
        command.secrets.push_back(credentials.password);
        return mig::run_tool(host, command, "flyway migrate", true).status();
    }
};

void register_flyway(sdk::Registrar &registrar) {
    auto flyway = std::make_unique<Flyway>();
    Flyway &plan = *flyway;
    registrar.add_migrator(std::move(flyway));
    registrar.provide<sdk::MigrationPlan>("flyway", plan);
    registrar.add_config_key("migrators.flyway.program", sdk::ConfigKeyType::text, "the Flyway CLI to run instead of the built-in engine");
}

} // namespace

DSPACE_PLUGIN(flyway, "0.1.0", DSPACE_KIND_MIGRATOR, register_flyway)
