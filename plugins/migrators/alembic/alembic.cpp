// The alembic migrator: `alembic -c FOLDER/alembic.ini upgrade head`. The database URL reaches the
// project's env.py through SQLALCHEMY_URL and DATABASE_URL (never the command line, which would show the password).
#include "common/migrator_support.hpp"

#include <dspace/sdk/plugin.hpp>

#include <filesystem>
#include <sstream>

namespace sdk = dspace::sdk;
namespace mig = dspace::migrators;

namespace {

const char *const install_hint = "apt-get install alembic python3-psycopg2 python3-pymysql";

//! The revision in `alembic current` output ("abc123 (head)"); empty when none is applied.
std::string current_revision(const std::string &out) {
    std::istringstream lines(out);
    std::string revision;
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        std::string first;
        if (words >> first && first != "INFO" && first.find_first_of("[:") == std::string::npos) revision = first;
    }
    return revision;
}

class Alembic final : public sdk::Migrator {
public:
    std::string name() const override { return "alembic"; }
    std::string description() const override { return "Alembic (SQLAlchemy) migrations; env.py reads SQLALCHEMY_URL"; }

    std::vector<sdk::ToolProbe> probe(sdk::Host &host) override { return {sdk::probe_tool(host, "alembic", install_hint)}; }

    sdk::Status migrate(sdk::Host &host, const sdk::MigrationRequest &request) override {
        auto command = alembic_command(host, request, {"upgrade", request.target.empty() ? "head" : request.target});
        return mig::run_tool(host, command, "alembic upgrade", true).status();
    }

    sdk::Result<std::string> current_head(sdk::Host &host, const sdk::MigrationRequest &request) override {
        auto ran = mig::run_tool(host, alembic_command(host, request, {"current"}), "alembic current", false);
        if (!ran) return ran.status();
        return current_revision(ran->out);
    }

private:
    //! `alembic -c FOLDER/alembic.ini VERB... EXTRA...`, run in FOLDER with the connection variables.
    static sdk::Result<sdk::Command> alembic_command(sdk::Host &host, const sdk::MigrationRequest &request,
                                                     const std::vector<std::string> &verb) {
        std::string program = host.processes().find_program("alembic", {});
        if (program.empty()) return sdk::Status::failure("alembic is not installed", install_hint);
        std::error_code ec;
        std::filesystem::path ini = std::filesystem::absolute(request.folder, ec) / "alembic.ini";
        if (!std::filesystem::is_regular_file(ini, ec))
            return sdk::Status::failure("no alembic.ini in " + request.folder, "name the folder that holds alembic.ini (see `alembic init`)");
        auto url = mig::require_var(request.connection, {"SQLALCHEMY_URL", "DATABASE_URL"}, "alembic");
        if (!url) return url.status();
        sdk::Command command;
        command.argv = {program, "-c", ini.string()};
        command.argv.insert(command.argv.end(), verb.begin(), verb.end());
        command.argv.insert(command.argv.end(), request.extra_args.begin(), request.extra_args.end());
        command.cwd = ini.parent_path().string();
        command.env = request.connection;
        command.env.emplace_back("SQLALCHEMY_URL", *url);
        command.secrets.push_back(mig::credentials(request.connection).password);
        return command;
    }
};

void register_alembic(sdk::Registrar &registrar) { registrar.add_migrator(std::make_unique<Alembic>()); }

} // namespace

DSPACE_PLUGIN(alembic, "0.1.0", DSPACE_KIND_MIGRATOR, register_alembic)
