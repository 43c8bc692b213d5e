// The liquibase migrator: `liquibase update` with the space's JDBC URL. Liquibase comes from npm
// (`npm install -g liquibase`), whose launcher lives in npm's global module directory.
#include "common/migrator_support.hpp"

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

//! The Changeset ID of the last row of `liquibase history`'s table; empty when nothing is deployed.
std::string last_changeset_id(const std::string &history) {
    std::istringstream lines(history);
    int id_column = -1;
    std::string last;
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
            last = cells[static_cast<size_t>(id_column)];
        }
    }
    return last;
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

class Liquibase final : public sdk::Migrator {
public:
    std::string name() const override { return "liquibase"; }
    std::string description() const override { return "Liquibase changelogs (XML, YAML, SQL) over JDBC; needs Java"; }

    std::vector<sdk::ToolProbe> probe(sdk::Host &host) override {
        return {probe_liquibase(host), sdk::probe_tool(host, "java", "apt-get install default-jre-headless")};
    }

    sdk::Status migrate(sdk::Host &host, const sdk::MigrationRequest &request) override {
        auto changelog = changelog_file(request.folder);
        if (!changelog) return changelog.status();
        std::vector<std::string> verb{request.target.empty() ? "update" : "update-to-tag",
                                      "--changelog-file=" + changelog->filename().string()};
        if (!request.target.empty()) verb.push_back("--tag=" + request.target);
        auto command = liquibase_command(host, request, changelog->parent_path().string(), verb);
        return mig::run_tool(host, command, "liquibase update", true).status();
    }

    sdk::Result<std::string> current_head(sdk::Host &host, const sdk::MigrationRequest &request) override {
        auto ran = mig::run_tool(host, liquibase_command(host, request, {}, {"history"}), "liquibase history", false);
        if (!ran) return ran.status();
        return last_changeset_id(ran->out);
    }

private:
    //! `liquibase --show-banner=false [--search-path=DIR] VERB... EXTRA...`; the JDBC URL (which holds the
    //! password), the user and the password go through LIQUIBASE_COMMAND_*, never the command line.
    static sdk::Result<sdk::Command> liquibase_command(sdk::Host &host, const sdk::MigrationRequest &request,
                                                       const std::string &search_path, const std::vector<std::string> &verb) {
        std::string program = host.processes().find_program("liquibase", npm_launcher_dirs());
        if (program.empty()) return sdk::Status::failure("liquibase is not installed", install_hint);
        auto url = mig::require_var(request.connection, {"JDBC_URL"}, "liquibase");
        if (!url) return url.status();
        mig::Credentials credentials = mig::credentials(request.connection);
        sdk::Command command;
        command.argv = {program, "--show-banner=false"};
        if (!search_path.empty()) command.argv.push_back("--search-path=" + search_path);
        command.argv.insert(command.argv.end(), verb.begin(), verb.end());
        command.argv.insert(command.argv.end(), request.extra_args.begin(), request.extra_args.end());
        command.env = request.connection;
        command.env.emplace_back("LIQUIBASE_COMMAND_URL", *url);
        command.env.emplace_back("LIQUIBASE_COMMAND_USERNAME", credentials.user);
        command.env.emplace_back("LIQUIBASE_COMMAND_PASSWORD", credentials.password);
        command.env.emplace_back("LIQUIBASE_ANALYTICS_ENABLED", "false");
        command.secrets.push_back(credentials.password);
        return command;
    }
};

void register_liquibase(sdk::Registrar &registrar) { registrar.add_migrator(std::make_unique<Liquibase>()); }

} // namespace

DSPACE_PLUGIN(liquibase, "0.1.0", DSPACE_KIND_MIGRATOR, register_liquibase)
