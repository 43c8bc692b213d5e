// `dspace init`: writes dspace.json in the current directory.
#include "../command.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/project.hpp>

#include <unistd.h>

#include <iostream>

namespace dspace::cli {

namespace {

//! On a terminal, asks for value (showing the current one as the default); otherwise keeps it.
void ask(const std::string &question, std::string &value) {
    if (!isatty(STDIN_FILENO)) return;
    std::cout << question << " [" << value << "]: " << std::flush;
    std::string answer;
    if (std::getline(std::cin, answer) && !answer.empty()) value = answer;
}

int run_init(Context &, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace init [--space NAME] [--flavour F] [--version V] [--port P] [--database DB]\n"
                 "                 [--migrations-tool T --migrations-folder DIR] [--backups DIR] [--force]";
    spec.description = "Writes dspace.json, the project file of `dspace up`, in the current directory. Values not given\n"
                       "as options are asked on a terminal (defaults: the space named after the directory, postgres);\n"
                       "without a terminal nothing is asked. Add seed commands to its \"seed\" list afterwards.";
    Project project;
    project.root = std::filesystem::current_path();
    project.space = space_name_from_directory(project.root.filename().string());
    std::string tool, folder;
    bool force = false;
    spec.options.add_options()("space", po::value(&project.space), "the space's name (default: from the directory's name)")(
        "flavour", po::value(&project.flavour), "postgres (default) or mysql")(
        "version", po::value(&project.version), "server version (default: newest installed)")(
        "port", po::value(&project.port), "TCP port (default: a free one)")(
        "database", po::value(&project.initial_database), "initial database (default: the space's name)")(
        "migrations-tool", po::value(&tool), "migrator: flyway, liquibase, alembic")(
        "migrations-folder", po::value(&folder), "the migrations folder, relative to the project")(
        "backups", po::value(&project.backups), "directory of named backups (default .dspace/backups)")(
        "force", po::bool_switch(&force), "replace an existing dspace.json");
    po::variables_map vm;
    if (!parse_verb("init", spec, args, vm)) return exit_ok;
    if (!vm.count("space")) ask("space name", project.space);
    if (!vm.count("flavour")) ask("flavour", project.flavour);
    if (tool.empty() != folder.empty())
        throw UsageError("--migrations-tool and --migrations-folder go together", "give both, or neither");
    if (!tool.empty()) project.migrations = ProjectMigrations{tool, folder};
    project.file = project.root / project_file_name;
    std::error_code ec;
    if (std::filesystem::exists(project.file, ec) && !force)
        throw Error(project.file.string() + " already exists", "edit it, or replace it with --force");
    std::string text = project_to_json(project);
    parse_project(text, project.file); // what init writes, up reads
    fs::write_file_atomic(project.file, text, 0644);
    std::cout << "wrote " << project.file.string() << " (space " << project.space << ", " << project.flavour
              << "); `dspace up` creates the space\n";
    return exit_ok;
}

} // namespace

void add_init_commands(std::vector<Command> &table) {
    table.push_back({"init", "write a project file dspace.json in the current directory", run_init});
}

} // namespace dspace::cli
