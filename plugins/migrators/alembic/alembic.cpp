// The alembic migrator: `alembic -c INI upgrade head` with Debian's alembic (never the first python3 on PATH).
// An unmodified env.py from `alembic init` reads config.get_main_option("sqlalchemy.url"), so the plugin runs
// alembic on a private copy of the project's alembic.ini (0600, in the space's directory, removed afterwards)
// whose sqlalchemy.url is the space's URL and whose script_location is absolute. The URL never reaches a
// command line; env.py files that read SQLALCHEMY_URL from the environment work too.
#include "alembic_ini.hpp"
#include "common/migrator_support.hpp"

#include <dspace/sdk/migrator_capabilities.hpp>
#include <dspace/sdk/plugin.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sdk = dspace::sdk;
namespace mig = dspace::migrators;
namespace stdfs = std::filesystem;

namespace {

const char *const install_hint = "apt-get install alembic python3-psycopg2 python3-pymysql";

//! Debian's alembic: /usr/bin/alembic, else its module under /usr/bin/python3, else `alembic` on PATH.
std::vector<std::string> alembic_program(sdk::Host &host) {
    std::error_code ec;
    if (stdfs::exists("/usr/bin/alembic", ec)) return {"/usr/bin/alembic"};
    if (stdfs::exists("/usr/bin/python3", ec) && stdfs::exists("/usr/lib/python3/dist-packages/alembic", ec))
        return {"/usr/bin/python3", "-m", "alembic"};
    std::string found = host.processes().find_program("alembic", {});
    if (found.empty()) return {};
    return {found};
}

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

//! The revisions `alembic history` lists ("a1 -> b2 (head), msg"), oldest first.
std::vector<std::string> history_revisions(const std::string &out) {
    std::vector<std::string> newest_first;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        size_t arrow = line.find(" -> ");
        if (arrow == std::string::npos) continue;
        size_t begin = arrow + 4, end = line.find_first_of(" ,", begin);
        newest_first.push_back(line.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    }
    return {newest_first.rbegin(), newest_first.rend()};
}

//! One run of alembic: the command, and the private ini it reads (removed when this ends).
struct AlembicRun {
    sdk::Command command;
    stdfs::path private_ini;
    AlembicRun() = default;
    AlembicRun(AlembicRun &&other) noexcept : command(std::move(other.command)), private_ini(std::move(other.private_ini)) {
        other.private_ini.clear();
    }
    ~AlembicRun() {
        std::error_code ec;
        if (!private_ini.empty()) stdfs::remove(private_ini, ec);
    }
};

class Alembic final : public sdk::Migrator, public sdk::MigrationPlan {
public:
    std::string name() const override { return "alembic"; }
    std::string description() const override {
        return "Alembic (SQLAlchemy) migrations; the space's URL overrides sqlalchemy.url of alembic.ini";
    }

    std::vector<sdk::ToolProbe> probe(sdk::Host &host) override { return {sdk::probe_tool(host, "alembic", install_hint)}; }

    sdk::Status migrate(sdk::Host &host, const sdk::MigrationRequest &request) override {
        auto ran = run(host, request, {"upgrade", request.target.empty() ? "head" : request.target}, "alembic upgrade", true);
        return ran.status();
    }

    sdk::Result<std::string> current_head(sdk::Host &host, const sdk::MigrationRequest &request) override {
        auto ran = run(host, request, {"current"}, "alembic current", false);
        if (!ran) return ran.status();
        return current_revision(ran->out);
    }

    sdk::Status validate(sdk::Host &host, const sdk::MigrationRequest &request) override {
        return run(host, request, {"history"}, "alembic history (reading the migration scripts)", false).status();
    }

    sdk::Result<sdk::MigrationStatus> status(sdk::Host &host, const sdk::MigrationRequest &request) override {
        auto history = run(host, request, {"history"}, "alembic history", false);
        if (!history) return history.status();
        auto head = current_head(host, request);
        if (!head) return head.status();
        sdk::MigrationStatus status;
        status.head = head.value();
        bool applied = !status.head.empty();
        for (const auto &revision : history_revisions(history->out)) {
            (applied ? status.applied : status.pending).push_back(revision);
            if (revision == status.head) applied = false;
        }
        return status;
    }

    sdk::Result<std::string> dry_run(sdk::Host &host, const sdk::MigrationRequest &request) override {
        auto head = current_head(host, request);
        if (!head) return head.status();
        std::string to = request.target.empty() ? "head" : request.target;
        auto ran = run(host, request, {"upgrade", head->empty() ? to : head.value() + ":" + to, "--sql"}, "alembic upgrade --sql", false);
        if (!ran) return ran.status();
        return ran->out;
    }

private:
    //! Runs `alembic -c PRIVATE_INI VERB... EXTRA...` in the project folder.
    static sdk::Result<sdk::ProcessResult> run(sdk::Host &host, const sdk::MigrationRequest &request,
                                               const std::vector<std::string> &verb, std::string_view what, bool stream) {
        auto prepared = prepare(host, request, verb);
        if (!prepared) return prepared.status();
        return mig::run_tool(host, prepared->command, what, stream);
    }

    static sdk::Result<AlembicRun> prepare(sdk::Host &host, const sdk::MigrationRequest &request, const std::vector<std::string> &verb) {
        std::vector<std::string> program = alembic_program(host);
        if (program.empty()) return sdk::Status::failure("alembic is not installed", install_hint);
        std::error_code ec;
        stdfs::path folder = stdfs::absolute(request.folder, ec);
        stdfs::path ini = request.changelog.empty() ? folder / "alembic.ini" : stdfs::absolute(request.changelog, ec);
        if (!stdfs::is_regular_file(ini, ec))
            return sdk::Status::failure("no alembic.ini in " + request.folder, "name the folder that holds alembic.ini (see `alembic init`)");
        auto url = mig::require_var(request.connection, {"SQLALCHEMY_URL", "DATABASE_URL"}, "alembic");
        if (!url) return url.status();
        std::ifstream in(ini);
        std::stringstream text;
        text << in.rdbuf();
        if (!in.good() && !in.eof()) return sdk::Status::failure("cannot read " + ini.string(), "check its permissions");

        AlembicRun run;
        stdfs::path dir = request.server.data_dir.empty() ? stdfs::path(host.cache_dir("alembic"))
                                                          : stdfs::path(request.server.data_dir).parent_path();
        run.private_ini = dir / "alembic-migrate.ini";
        auto written = host.write_private_file(run.private_ini.string(), mig::alembic_ini_for(text.str(), ini.parent_path().string(), *url),
                                               0600, "");
        if (!written.ok()) {
            run.private_ini.clear();
            return written;
        }
        run.command.argv = program;
        run.command.argv.insert(run.command.argv.end(), {"-c", run.private_ini.string()});
        run.command.argv.insert(run.command.argv.end(), verb.begin(), verb.end());
        run.command.argv.insert(run.command.argv.end(), request.extra_args.begin(), request.extra_args.end());
        run.command.cwd = ini.parent_path().string();
        run.command.env = request.connection;
        run.command.env.emplace_back("SQLALCHEMY_URL", *url);
        run.command.secrets.push_back(mig::credentials(request.connection).password);
        return run;
    }
};

void register_alembic(sdk::Registrar &registrar) {
    auto alembic = std::make_unique<Alembic>();
    Alembic &plan = *alembic;
    registrar.add_migrator(std::move(alembic));
    registrar.provide<sdk::MigrationPlan>("alembic", plan);
}

} // namespace

DSPACE_PLUGIN(alembic, "0.1.0", DSPACE_KIND_MIGRATOR, register_alembic)
