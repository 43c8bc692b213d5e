// dspace setup: prepares $DSPACE_HOME and shows which external tools every plugin finds.
#include "../command.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/lock.hpp>
#include <dspace/core/tool_report.hpp>

#include <algorithm>
#include <iostream>

namespace dspace::cli {

namespace {

//! One line of the table: which plugin, which tool, and what was found.
struct Row {
    std::string plugin;
    std::string tool;
    std::string status;
};

std::string tool_status(const sdk::ToolProbe &tool) {
    if (tool.found) return "found " + (tool.version.empty() ? "" : tool.version + " ") + "(" + tool.path + ")";
    return std::string(tool.required ? "MISSING" : "missing, optional") + ": " + tool.install_hint;
}

std::vector<Row> table_rows(const ToolReport &report) {
    std::vector<Row> rows;
    for (const auto &entry : report.plugins) {
        std::string plugin = entry.kind + " " + entry.name;
        if (entry.shadowed) {
            rows.push_back({plugin, "-", "shadowed (ignored): " + entry.reason});
        } else if (entry.status != PluginStatus::loaded) {
            rows.push_back({plugin, "-", std::string("NOT LOADED, ") + to_string(entry.status) + ": " + entry.reason +
                                             (entry.hint.empty() ? "" : "; " + entry.hint)});
        } else if (!entry.reason.empty()) {
            rows.push_back({plugin, "-", "FAILED: " + entry.reason});
        } else if (entry.tools.empty()) {
            rows.push_back({plugin, "-", "needs no external tool"});
        }
        for (const auto &tool : entry.tools) rows.push_back({plugin, tool.tool, tool_status(tool)});
    }
    return rows;
}

void print_report(const ToolReport &report) {
    std::vector<Row> rows = table_rows(report);
    rows.insert(rows.begin(), {"PLUGIN", "TOOL", "STATUS"});
    size_t plugin_width = 0, tool_width = 0;
    for (const auto &row : rows) {
        plugin_width = std::max(plugin_width, row.plugin.size());
        tool_width = std::max(tool_width, row.tool.size());
    }
    for (const auto &row : rows)
        std::cout << row.plugin << std::string(plugin_width + 2 - row.plugin.size(), ' ') << row.tool
                  << std::string(tool_width + 2 - row.tool.size(), ' ') << row.status << "\n";
    if (report.ready()) {
        std::cout << "\nready: dspace can create spaces\n";
        return;
    }
    std::cout << "\nnot ready:\n";
    for (const auto &problem : report.problems) std::cout << "  - " << problem << "\n";
    std::cout << "install what is missing (./scripts/bootstrap installs everything on Debian 12), "
                 "then run `dspace setup --check` again\n";
}

//! Creates $DSPACE_HOME and a default config.json when missing; returns what it created.
std::vector<std::string> prepare_home(Context &context) {
    std::vector<std::string> created;
    const Paths &paths = context.paths();
    std::error_code ec;
    if (!std::filesystem::is_directory(paths.home(), ec)) created.push_back(paths.home().string());
    context.ensure_home();
    FileLock lock(paths.home_lock(), "the dspace home " + paths.home().string());
    if (!std::filesystem::exists(paths.config_file(), ec)) {
        fs::write_file_atomic(paths.config_file(), Config::default_text(), 0600);
        created.push_back(paths.config_file().string());
        context.config().load();
    }
    return created;
}

int run_setup(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace setup [--check] [--json]";
    spec.description =
        "Creates $DSPACE_HOME (mode 0700) and a default config.json when they are missing, then asks every plugin\n"
        "to look for the external programs it needs and shows what was found, with install hints for the rest.\n"
        "With --check nothing is created, and the exit code is 1 when dspace cannot create spaces: no flavour\n"
        "is loaded, a flavour lacks a required program, or a plugin file failed to load. Migrators and\n"
        "snapshotters whose programs are missing are shown but only matter when you use them.";
    spec.options.add_options()
        ("check", "only report; create nothing; exit 1 when something required is missing")
        ("json", "print the report as JSON");
    po::variables_map vm;
    if (!parse_verb("setup", spec, args, vm)) return exit_ok;
    bool check = vm.count("check") > 0;
    bool json = vm.count("json") > 0;

    std::vector<std::string> created;
    if (!check) created = prepare_home(context);
    ToolReport report = probe_tools(context.plugins(), context.host());

    if (json) {
        std::cout << to_json(report) << "\n";
    } else {
        for (const auto &path : created) std::cout << "created " << path << "\n";
        std::cout << "dspace home: " << context.paths().home().string() << "\n\n";
        print_report(report);
    }
    return check && !report.ready() ? exit_failed : exit_ok;
}

} // namespace

void add_setup_commands(std::vector<Command> &table) {
    table.push_back({"setup", "prepare $DSPACE_HOME and check the programs every plugin needs", run_setup});
}

} // namespace dspace::cli
