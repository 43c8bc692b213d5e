// `dspace up | seed | dump | load | reset | down`: a project's development data workflow (core/workflow).
#include "../command.hpp"
#include "project_target.hpp"
#include "snapshot_services.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/workflow.hpp>

#include <unistd.h>

#include <iostream>

namespace dspace::cli {

namespace {

//! Runs fn with a Workflow for project, printing each step.
template <class Fn>
int with_workflow(Context &context, const Project &project, Fn fn) {
    SnapshotServices services(context);
    Workflow workflow(context.host(), context.plugins(), services.spaces, services.snapshots, project,
                      [](const std::string &step) { std::cout << step << std::endl; });
    fn(workflow);
    return exit_ok;
}

int run_up(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace up [--clean] [--load NAME] [--skip-seed] [--skip-migrate]";
    spec.description =
        "Brings the project's space (dspace.json) to a ready state, doing only what is needed: creates it when missing,\n"
        "starts it when stopped; when its database has no tables, loads the backup _init, or (without one) runs the\n"
        "seed commands after migrating and saves the result as _init; applies pending migrations. An _init saved at an\n"
        "older migration head is loaded and only the newer migrations are applied. Prints each step and why.";
    UpOptions options;
    spec.options.add_options()("clean", po::bool_switch(&options.clean), "recreate the space from nothing first")(
        "load", po::value(&options.load), "load backup NAME instead of _init or seeding")(
        "skip-seed", po::bool_switch(&options.skip_seed), "never run the seed commands")(
        "skip-migrate", po::bool_switch(&options.skip_migrate), "apply no migrations");
    po::variables_map vm;
    if (!parse_verb("up", spec, args, vm)) return exit_ok;
    return with_workflow(context, project_target("up", "", true), [&](Workflow &w) { w.up(options); });
}

int run_seed(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace seed";
    spec.description = "Empties the project's database, applies the migrations, runs the seed commands of dspace.json\n"
                       "(each with the space's connection variables, without a shell) and saves the result as backup _init.";
    po::variables_map vm;
    if (!parse_verb("seed", spec, args, vm)) return exit_ok;
    return with_workflow(context, project_target("seed", "", true), [](Workflow &w) { w.seed(); });
}

int run_dump(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace dump [SPACE] [--name NAME] [--force]";
    spec.description = "Saves a logical backup of the space's database in the project's backups directory (dspace.json\n"
                       "`backups`, default .dspace/backups), with its flavour, server version and migration head.\n"
                       "SPACE is needed only outside a project.";
    std::string space, name;
    bool force = false;
    spec.options.add_options()("space", po::value(&space), "the space (outside a project)")(
        "name", po::value(&name), "the backup's name (default: the UTC time, e.g. 20261202T030405Z)")(
        "force", po::bool_switch(&force), "replace a backup of that name");
    spec.positional.add("space", 1);
    po::variables_map vm;
    if (!parse_verb("dump", spec, args, vm)) return exit_ok;
    return with_workflow(context, project_target("dump", space, false), [&](Workflow &w) { w.dump(name, force); });
}

int run_load(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace load [SPACE] --name NAME";
    spec.description = "Replaces the database's contents with backup NAME (checked first: it must be of the space's\n"
                       "flavour), then applies the migrations newer than the backup's head. SPACE only outside a project.";
    std::string space, name;
    spec.options.add_options()("space", po::value(&space), "the space (outside a project)")(
        "name", po::value(&name)->required(), "the backup to load");
    spec.positional.add("space", 1);
    po::variables_map vm;
    if (!parse_verb("load", spec, args, vm)) return exit_ok;
    return with_workflow(context, project_target("load", space, false), [&](Workflow &w) { w.load(name); });
}

int run_reset(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace reset [SPACE] [--yes] [--snapshot SNAP]";
    spec.description = "Hard reset: recreates the space with an empty database (same port and credentials). Its snapshots\n"
                       "are kept. Asks first unless --yes; without a terminal, refuses without --yes.";
    std::string space, snapshot;
    bool yes = false;
    spec.options.add_options()("space", po::value(&space), "the space (outside a project)")(
        "yes", po::bool_switch(&yes), "do not ask")(
        "snapshot", po::value(&snapshot), "take snapshot SNAP of the space first");
    spec.positional.add("space", 1);
    po::variables_map vm;
    if (!parse_verb("reset", spec, args, vm)) return exit_ok;
    Project project = project_target("reset", space, false);
    if (!yes) {
        if (!isatty(STDIN_FILENO))
            throw UsageError("dspace reset deletes every row and table of space '" + project.space + "'; not asking without a terminal",
                             "add --yes (and --snapshot SNAP to keep a copy first)");
        std::cout << "Delete all data of space '" << project.space << "'"
                  << (snapshot.empty() ? " (no snapshot first; --snapshot SNAP takes one)" : " after snapshot " + snapshot) << "? [y/N] "
                  << std::flush;
        std::string answer;
        std::getline(std::cin, answer);
        if (answer != "y" && answer != "Y" && answer != "yes") {
            std::cout << "nothing changed\n";
            return exit_failed;
        }
    }
    return with_workflow(context, project, [&](Workflow &w) { w.reset(snapshot); });
}

int run_down(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace down [SPACE]";
    spec.description = "Stops the project's space and keeps its data. SPACE only outside a project.";
    std::string space;
    spec.options.add_options()("space", po::value(&space), "the space (outside a project)");
    spec.positional.add("space", 1);
    po::variables_map vm;
    if (!parse_verb("down", spec, args, vm)) return exit_ok;
    return with_workflow(context, project_target("down", space, false), [](Workflow &w) { w.down(); });
}

} // namespace

void add_workflow_commands(std::vector<Command> &table) {
    table.push_back({"up", "bring the project's space up: create, start, load _init or seed, migrate (only what is needed)", run_up});
    table.push_back({"seed", "empty the project's database, migrate, run the seed commands, save as _init", run_seed});
    table.push_back({"dump", "save a named logical backup of the space in the project's backups directory", run_dump});
    table.push_back({"load", "replace the space's data with a named backup, then migrate", run_load});
    table.push_back({"reset", "recreate the space with an empty database (asks first)", run_reset});
    table.push_back({"down", "stop the project's space, keeping its data", run_down});
}

} // namespace dspace::cli
