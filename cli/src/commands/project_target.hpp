// Which space a workflow verb acts on: the project's (dspace.json found from the current directory), or,
// outside a project, the space named on the command line.
#pragma once

#include <dspace/core/error.hpp>
#include <dspace/core/project.hpp>

#include <filesystem>
#include <string>

namespace dspace::cli {

//! The project found from the current directory; a NAME given must match its space. Outside a project, a
//! project made up for space NAME (backups in ./.dspace/backups), or a UsageError when NAME is missing.
//! needs_file: the verb needs a real dspace.json (seed commands, migrations), so NAME alone is refused.
inline Project project_target(const std::string &verb, const std::string &name, bool needs_file) {
    if (auto project = find_project(std::filesystem::current_path())) {
        if (!name.empty() && name != project->space)
            throw UsageError("dspace " + verb + ": this is project " + project->file.string() + " of space '" + project->space +
                                 "', not '" + name + "'",
                             "leave out the name inside a project, or run the command outside it");
        return *project;
    }
    if (needs_file)
        throw UsageError("dspace " + verb + " needs a project file dspace.json (none in this directory or its parents)",
                         "`dspace init` writes one");
    if (name.empty())
        throw UsageError("dspace " + verb + ": no dspace.json here or above, so name the space",
                         "e.g. dspace " + verb + " SPACE, or `dspace init` to make this directory a project");
    Project project;
    project.space = name;
    project.root = std::filesystem::current_path();
    return project;
}

} // namespace dspace::cli
