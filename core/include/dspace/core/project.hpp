// The project file dspace.json: a project's space, its migrations, seed commands and backups directory.
// Found by walking up from the current directory, as git finds .git.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dspace {

//! The file name looked for in each directory.
inline constexpr const char *project_file_name = "dspace.json";
//! Where named backups go when dspace.json does not say.
inline constexpr const char *default_backups_dir = ".dspace/backups";

//! The migrations a project applies (passed to `dspace migrate`).
struct ProjectMigrations {
    std::string tool;   //!< migrator plugin (flyway, liquibase, alembic, ...)
    std::string folder; //!< the migrations folder, relative to the project's directory
};

//! What dspace.json holds, with the file's location.
struct Project {
    std::filesystem::path file;                   //!< the dspace.json read (absolute); empty when made up outside a project
    std::filesystem::path root;                   //!< the project's directory (relative paths start here)
    std::string space;                            //!< the space's name
    std::string flavour = "postgres";             //!< its flavour
    std::string version;                          //!< server version; empty = newest installed
    int port = 0;                                 //!< TCP port; 0 = pick a free one
    std::string initial_database;                 //!< initial database; empty = the space's name
    std::optional<ProjectMigrations> migrations;  //!< schema migrations, when the project has any
    std::vector<std::vector<std::string>> seed;   //!< seed commands, each an argv list
    std::string backups = default_backups_dir;    //!< directory of named backups, relative to root
    std::string import_source;                    //!< optional `dspace import` source
    //! The backups directory, absolute.
    std::filesystem::path backups_dir() const;
    //! The migrations folder, absolute (empty without migrations).
    std::filesystem::path migrations_dir() const;
};

//! The 1-based line and column of byte offset in text.
std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset);

//! Parses and validates dspace.json's text; file names it in errors (with line and column for bad JSON, "did you
//! mean" for an unknown key, the expected type for a wrong one). Throws Error.
Project parse_project(std::string_view text, const std::filesystem::path &file);

//! The dspace.json in start or the nearest of its parents, if any.
std::optional<std::filesystem::path> find_project_file(const std::filesystem::path &start);

//! Reads and validates the dspace.json found from start, if any. Throws Error for an unreadable or invalid file.
std::optional<Project> find_project(const std::filesystem::path &start);

//! dspace.json's text for project (what `dspace init` writes).
std::string project_to_json(const Project &project);

//! A space name made from a directory name: lower case, other characters turned into '-', "project" if nothing is left.
std::string space_name_from_directory(const std::string &directory);

} // namespace dspace
