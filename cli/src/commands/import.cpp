// `dspace import NAME SOURCE`: a space from a dump file or a live server.
#include "../command.hpp"
#include "snapshot_services.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/import.hpp>

#include <boost/algorithm/string.hpp>

#include <iostream>

namespace dspace::cli {

namespace {

//! Splits "TABLE:VALUE" as --where and --limit take it (the table name ends at the first colon).
std::pair<std::string, std::string> table_and_value(const std::string &text, const std::string &option) {
    auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
        throw UsageError(option + " takes TABLE:VALUE, not '" + text + "'", "e.g. " + option + (option == "--limit" ? " orders:100" : " orders:\"total > 10\""));
    return {text.substr(0, colon), text.substr(colon + 1)};
}

int run_import(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace import NAME SOURCE [--tables T1,T2...] [--where T:COND]... [--limit T:N]... [--schema-only]\n"
                 "                          [--flavour F] [--into]";
    spec.description =
        "Creates space NAME from SOURCE (with --into: fills the existing space NAME, snapshotted first as\n"
        "before-import and rolled back to it if the import fails), then snapshots it as `imported`.\n"
        "SOURCE is a pg_dump dump (plain SQL, custom, directory or tar; plain may be gzip-compressed), a\n"
        "mysqldump/mariadb-dump SQL file (plain or gzip), or a live server URL (postgresql://, mysql://,\n"
        "mariadb://) dumped with the flavour's own tool and streamed in. The format is read from the content.\n"
        "--tables restores only those tables and every table their foreign keys reach; --where and --limit keep\n"
        "fewer rows of a table, and every row a kept row references is kept too.";
    ImportOptions options;
    std::string tables;
    std::vector<std::string> wheres, limits;
    spec.options.add_options()
        ("space", po::value(&options.space)->required(), "the space to create")
        ("source", po::value(&options.source)->required(), "dump file or directory, or server URL")
        ("tables", po::value(&tables), "comma-separated tables to import (NAME or SCHEMA.NAME), with what they need")
        ("where", po::value(&wheres), "TABLE:CONDITION, keep only rows of TABLE matching the SQL condition (repeatable)")
        ("limit", po::value(&limits), "TABLE:N, keep at most N rows of TABLE (repeatable)")
        ("schema-only", po::bool_switch(&options.schema_only), "import the schema without rows")
        ("flavour", po::value(&options.flavour), "the flavour the source must be (default: told from the source)")
        ("into", po::bool_switch(&options.into), "fill the existing space NAME instead of creating it");
    spec.positional.add("space", 1).add("source", 1);
    po::variables_map vm;
    if (!parse_verb("import", spec, args, vm)) return exit_ok;
    if (!tables.empty()) {
        boost::split(options.tables, tables, boost::is_any_of(","));
        for (auto &table : options.tables) boost::trim(table);
        std::erase(options.tables, std::string());
    }
    for (const auto &where : wheres) options.where.push_back(table_and_value(where, "--where"));
    for (const auto &limit : limits) {
        auto [table, count] = table_and_value(limit, "--limit");
        if (count.find_first_not_of("0123456789") != std::string::npos || count.size() > 18)
            throw UsageError("--limit takes TABLE:N with N a number of rows, not '" + limit + "'", "e.g. --limit orders:100");
        options.limit.emplace_back(table, std::stoull(count));
    }
    SnapshotServices services(context);
    ImportResult result = import_space(context.host(), context.plugins(), services.spaces, services.snapshots, options);
    std::cout << "space " << result.space.name << (options.into ? " filled from " : " imported from ") << result.source << " ("
              << result.format << ") on port " << result.space.port << "\n";
    if (!result.tables.empty()) std::cout << "tables: " << boost::join(result.tables, ", ") << "\n";
    std::cout << "snapshot " << result.space.name << "/imported taken: `dspace rollback " << result.space.name
              << " --to imported` returns to it\n";
    return exit_ok;
}

} // namespace

void add_import_commands(std::vector<Command> &table) {
    table.push_back({"import", "create a space from a dump file or a live server (or a table subset of it)", run_import});
}

} // namespace dspace::cli
