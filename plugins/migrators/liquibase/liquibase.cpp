// The liquibase migrator: `liquibase update` with the space's JDBC URL (through the environment). Liquibase comes from npm
// (`npm install -g liquibase`), whose launcher lives in npm's global module directory.
#include "common/migrator_support.hpp"
#include "liquibase/changelog_check.hpp"

#include <dspace/sdk/migrator_capabilities.hpp>

#include <dspace/sdk/plugin.hpp>

#include <filesystem>
#include <sstream>

namespace sdk = dspace::sdk;
namespace mig = dspace::migrators;

namespace {

const char *const install_hint = "npm install -g liquibase@4.28.1 (./scripts/bootstrap does this)";
const char *const changelog_names[] = {"db.changelog-master.xml", "db.changelog-master.yaml", "db.changelog-master.yml",
                                       "db.changelog-master.sql", "changelog.xml", "changelog.yaml", "changelog.yml",
                                       "changelog.sql", "changelog.json"};

//! Where `npm install -g liquibase` puts the launcher (npm's prefix is /usr or /usr/local on Debian).
std::vector<std::string> npm_launcher_dirs() {
    return {"/usr/local/lib/node_modules/liquibase/dist/liquibase", "/usr/lib/node_modules/liquibase/dist/liquibase"};
}

//! The changelog file: folder itself, or a conventional name inside it.
sdk::Result<std::filesystem::path> changelog_file(const std::string &folder) {
    std::error_code ec;
    std::filesystem::path path = std::filesystem::absolute(folder, ec);
    if (std::filesystem::is_regular_file(path, ec)) return path;
    if (!std::filesystem::is_directory(path, ec))
        return sdk::Status::failure("liquibase changelog " + folder + " does not exist", "name a changelog file or the folder holding it");
    for (const char *name : changelog_names)
        if (std::filesystem::is_regular_file(path / name, ec)) return path / name;
    return sdk::Status::failure("no changelog found in " + folder,
                                "name the changelog file itself, or call it db.changelog-master.xml (or .yaml, .sql)");
}

//! Finds liquibase; its version is the "Liquibase Version:" line (`--version` starts with an ASCII-art banner).
sdk::ToolProbe probe_liquibase(sdk::Host &host) {
    sdk::ToolProbe probe;
    probe.tool = "liquibase";
    probe.install_hint = install_hint;
    probe.path = host.processes().find_program("liquibase", npm_launcher_dirs());
    probe.found = !probe.path.empty();
    if (!probe.found) return probe;
    sdk::Command version;
    version.argv = {probe.path, "--show-banner=false", "--version"};
    version.timeout = std::chrono::seconds(30);
    auto ran = host.processes().run(version);
    const std::string marker = "Liquibase Version: ";
    size_t at = ran ? ran->out.find(marker) : std::string::npos;
    if (at != std::string::npos) probe.version = ran->out.substr(at + marker.size(), ran->out.find('\n', at) - at - marker.size());
    return probe;
}

//! The changeset ids `liquibase status --verbose` lists as not applied ("     file::id::author"), in order.
std::vector<std::string> pending_changesets(const std::string &out) {
    std::vector<std::string> ids;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        size_t first = line.find("::");
        if (first == std::string::npos) continue;
        size_t second = line.find("::", first + 2);
        ids.push_back(line.substr(first + 2, second == std::string::npos ? std::string::npos : second - first - 2));
    }
    return ids;
}

//! Every Changeset ID in the table of `liquibase history`, oldest first.
std::vector<std::string> history_ids(const std::string &history) {
    std::vector<std::string> ids;
    std::istringstream lines(history);
    int id_column = -1;
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line[0] != '|') continue;
        std::vector<std::string> cells;
        std::istringstream row(line.substr(1));
        for (std::string cell; std::getline(row, cell, '|');) {
            size_t b = cell.find_first_not_of(' '), e = cell.find_last_not_of(' ');
            cells.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
        }
        if (id_column < 0) {
            for (size_t i = 0; i < cells.size(); ++i)
                if (cells[i] == "Changeset ID") id_column = static_cast<int>(i);
        } else if (static_cast<size_t>(id_column) < cells.size()) {
            ids.push_back(cells[static_cast<size_t>(id_column)]);
        }
    }
    return ids;
}

class Liquibase final : public sdk::Migrator, public sdk::MigrationPlan {
public:
    std::string name() const override { return "liquibase"; }
    std::string description() const override { return "Liquibase changelogs (XML, YAML, SQL) over JDBC; needs Java"; }

    std::vector<sdk::ToolProbe> probe(sdk::Host &host) override {
        return {probe_liquibase(host), sdk::probe_tool(host, "java", "apt-get install default-jre-headless")};
    }

    sdk::Status migrate(sdk::Host &host, const sdk::MigrationRequest &request) override {
        auto verb = update_verb(host, request, "update");
        if (!verb) return verb.status();
        return run(host, request, *verb, "liquibase update", true).status();
    }

    sdk::Result<std::string> current_head(sdk::Host &host, const sdk::MigrationRequest &request) override {
        auto ran = run(host, request, {"history"}, "liquibase history", false);
        if (!ran) return ran.status();
        auto ids = history_ids(ran->out);
        return ids.empty() ? std::string{} : ids.back();
    }

    sdk::Status validate(sdk::Host &host, const sdk::MigrationRequest &request) override {
        auto changelog = changelog_of(request);
        if (!changelog) return changelog.status();
        std::string extension = changelog->extension().string();
        if (extension == ".xml") {
            auto parsed = mig::xml_changesets(changelog->string());
            if (!parsed) return parsed.status();
        }
        return run(host, request, {"validate"}, "liquibase validate", false).status();
    }

    sdk::Result<sdk::MigrationStatus> status(sdk::Host &host, const sdk::MigrationRequest &request) override {
        auto history = run(host, request, {"history"}, "liquibase history", false);
        if (!history) return history.status();
        auto pending = run(host, request, {"status", "--verbose"}, "liquibase status", false);
        if (!pending) return pending.status();
        sdk::MigrationStatus status;
        status.applied = history_ids(history->out);
        status.pending = pending_changesets(pending->out);
        status.head = status.applied.empty() ? "" : status.applied.back();
        return status;
    }

    sdk::Result<std::string> dry_run(sdk::Host &host, const sdk::MigrationRequest &request) override {
        auto verb = update_verb(host, request, "update-sql");
        if (!verb) return verb.status();
        auto ran = run(host, request, *verb, "liquibase update-sql", false);
        if (!ran) return ran.status();
        return ran->out;
    }

private:
    //! The changelog: --changelog, else a conventional name in the folder.
    static sdk::Result<std::filesystem::path> changelog_of(const sdk::MigrationRequest &request) {
        return changelog_file(request.changelog.empty() ? request.folder : request.changelog);
    }

    //! `update` (or update-sql), or with a target changeset id `update-count --count=N` up to and including it.
    sdk::Result<std::vector<std::string>> update_verb(sdk::Host &host, const sdk::MigrationRequest &request, const std::string &verb) {
        if (request.target.empty()) return std::vector<std::string>{verb};
        auto current = status(host, request);
        if (!current) return current.status();
        const auto &pending = current->pending;
        for (size_t i = 0; i < pending.size(); ++i)
            if (pending[i] == request.target)
                return std::vector<std::string>{verb == "update" ? "update-count" : "update-count-sql", "--count=" + std::to_string(i + 1)};
        return sdk::Status::failure("changeset " + request.target + " is not pending", "`dspace migrate NAME --status` lists the pending changesets");
    }

    //! Runs `liquibase --show-banner=false --search-path=DIR VERB... --changelog-file=FILE EXTRA...`; the URL, user and
    //! password go through LIQUIBASE_COMMAND_URL/USERNAME/PASSWORD, never the command line.
    static sdk::Result<sdk::ProcessResult> run(sdk::Host &host, const sdk::MigrationRequest &request, const std::vector<std::string> &verb,
                                               std::string_view what, bool stream) {
        std::string program = host.processes().find_program("liquibase", npm_launcher_dirs());
        if (program.empty()) return sdk::Status::failure("liquibase is not installed", install_hint);
        auto changelog = changelog_of(request);
        if (!changelog) return changelog.status();
        auto url = mig::require_var(request.connection, {"JDBC_URL"}, "liquibase");
        if (!url) return url.status();
        mig::Credentials credentials = mig::credentials(request.connection);
        sdk::Command command;
        command.argv = {program, "--show-banner=false", "--search-path=" + changelog->parent_path().string()};
        command.argv.insert(command.argv.end(), verb.begin(), verb.end());
        command.argv.push_back("--changelog-file=" + changelog->filename().string());
        command.argv.insert(command.argv.end(), request.extra_args.begin(), request.extra_args.end());
        command.env = request.connection;
        command.env.emplace_back("LIQUIBASE_COMMAND_URL", url->substr(0, url->find('?')));
        command.env.emplace_back("LIQUIBASE_COMMAND_USERNAME", credentials.user);
        command.env.emplace_back("LIQUIBASE_COMMAND_PASSWORD", credentials.password);
        command.env.emplace_back("LIQUIBASE_ANALYTICS_ENABLED", "false");
        command.secrets.push_back(credentials.password);
        return mig::run_tool(host, command, what, stream);
    }
};

void register_liquibase(sdk::Registrar &registrar) {
    auto liquibase = std::make_unique<Liquibase>();
    Liquibase &plan = *liquibase;
    registrar.add_migrator(std::move(liquibase));
    registrar.provide<sdk::MigrationPlan>("liquibase", plan);
}

} // namespace

DSPACE_PLUGIN(liquibase, "0.1.0", DSPACE_KIND_MIGRATOR, register_liquibase)
