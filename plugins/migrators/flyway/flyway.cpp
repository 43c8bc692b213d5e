// The flyway migrator: `flyway migrate` over the space's JDBC URL, migrations from a folder.
#include "common/migrator_support.hpp"

#include <dspace/sdk/plugin.hpp>

namespace sdk = dspace::sdk;
namespace mig = dspace::migrators;

namespace {

const char *const install_hint = "download from flywaydb.org; not packaged for Debian";

//! The value of "schemaVersion" in `flyway info -outputType=json`; empty when none (or null).
std::string schema_version(const std::string &json) {
    const std::string key = "\"schemaVersion\"";
    size_t at = json.find(key);
    if (at == std::string::npos) return {};
    size_t open = json.find_first_not_of(" \t\r\n:", at + key.size());
    if (open == std::string::npos || json[open] != '"') return {};
    size_t close = json.find('"', open + 1);
    return close == std::string::npos ? std::string{} : json.substr(open + 1, close - open - 1);
}

class Flyway final : public sdk::Migrator {
public:
    std::string name() const override { return "flyway"; }
    std::string description() const override { return "Flyway versioned SQL migrations (V1__name.sql) over JDBC"; }

    std::vector<sdk::ToolProbe> probe(sdk::Host &host) override { return {sdk::probe_tool(host, "flyway", install_hint)}; }

    sdk::Status migrate(sdk::Host &host, const sdk::MigrationRequest &request) override {
        std::vector<std::string> verb{"migrate", "-locations=filesystem:" + request.folder};
        if (!request.target.empty()) verb.push_back("-target=" + request.target);
        return mig::run_tool(host, flyway_command(host, request, verb), "flyway migrate", true).status();
    }

    sdk::Result<std::string> current_head(sdk::Host &host, const sdk::MigrationRequest &request) override {
        auto command = flyway_command(host, request, {"info", "-outputType=json", "-locations=filesystem:" + request.folder});
        auto ran = mig::run_tool(host, command, "flyway info", false);
        if (!ran) return ran.status();
        return schema_version(ran->out);
    }

private:
    //! `flyway VERB... EXTRA...`; the JDBC URL (which holds the password), the user and the password go through
    //! FLYWAY_URL, FLYWAY_USER and FLYWAY_PASSWORD, never the command line.
    static sdk::Result<sdk::Command> flyway_command(sdk::Host &host, const sdk::MigrationRequest &request,
                                                    const std::vector<std::string> &verb) {
        std::string program = host.processes().find_program("flyway", {});
        if (program.empty()) return sdk::Status::failure("flyway is not installed", install_hint);
        auto url = mig::require_var(request.connection, {"JDBC_URL"}, "flyway");
        if (!url) return url.status();
        mig::Credentials credentials = mig::credentials(request.connection);
        sdk::Command command;
        command.argv = {program};
        command.argv.insert(command.argv.end(), verb.begin(), verb.end());
        command.argv.insert(command.argv.end(), request.extra_args.begin(), request.extra_args.end());
        command.env = request.connection;
        command.env.emplace_back("FLYWAY_URL", *url);
        command.env.emplace_back("FLYWAY_USER", credentials.user);
        command.env.emplace_back("FLYWAY_PASSWORD", credentials.password);
        command.secrets.push_back(credentials.password);
        return command;
    }
};

void register_flyway(sdk::Registrar &registrar) { registrar.add_migrator(std::make_unique<Flyway>()); }

} // namespace

DSPACE_PLUGIN(flyway, "0.1.0", DSPACE_KIND_MIGRATOR, register_flyway)
