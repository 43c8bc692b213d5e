// `dspace import`: check the source, build the space's data (a subset when asked), snapshot it as `imported`.
#include "../space/internal.hpp"
#include "loader.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/import.hpp>
#include <dspace/core/names.hpp>

#include <map>

namespace dspace {

namespace {

using namespace import;

//! The rows to keep: the tables (asked for, plus their foreign-key closure) and the row conditions per table.
struct SubsetPlan {
    std::set<TableName> roots;                     //!< tables asked for (all when --tables is absent)
    std::set<TableName> keep;                      //!< tables restored: roots and their foreign-key closure
    std::map<TableName, std::string> where;        //!< --where conditions
    std::map<TableName, std::uint64_t> limit;      //!< --limit counts
};

bool subset_wanted(const ImportOptions &options) { return !options.tables.empty() || !options.where.empty() || !options.limit.empty(); }

bool plain(const Source &source) {
    return !source.live && (source.dump.format == DumpFormat::pg_plain || source.dump.format == DumpFormat::mysql_plain);
}

Source inspect_source(const ImportOptions &options) {
    Source source;
    if (auto endpoint = parse_source_url(options.source)) {
        source.live = endpoint;
        source.flavour = endpoint->flavour;
        source.display = display_url(*endpoint);
    } else {
        source.path = std::filesystem::absolute(options.source); // the tools run in /
        source.display = options.source;
        source.dump = detect_dump(source.path);
        if (source.dump.format == DumpFormat::unknown)
            throw Error(source.display + " is not a dump dspace can read: it is neither pg_dump output (plain, custom, directory or tar) "
                        "nor a mysqldump/mariadb-dump SQL file" + (source.dump.gzip ? " inside its gzip compression" : ""),
                        "give a dump made by pg_dump or mariadb-dump/mysqldump (plain SQL may be gzip-compressed)");
        source.flavour = flavour_of(source.dump.format);
    }
    if (!options.flavour.empty() && options.flavour != source.flavour)
        throw Error(source.display + " is " + (source.live ? "a " + source.flavour + " server" : describe(source.dump.format)) +
                        ", which the flavour '" + source.flavour + "' restores, not '" + options.flavour + "'",
                    "leave out --flavour, or give a source of flavour '" + options.flavour + "'");
    return source;
}

Endpoint endpoint_of(const std::string &flavour, const sdk::Server &server) {
    const std::string &address = server.listen_address;
    bool wildcard = address.empty() || address == "0.0.0.0" || address == "::" || address == "*";
    return {flavour, wildcard ? "127.0.0.1" : address, server.port, server.user, server.password, server.database};
}

//! The table a --where or --limit names, which must be one of the tables restored.
TableName option_table(const std::string &name, const std::string &option, const Catalog &catalog, const SubsetPlan &plan,
                       const std::string &schema) {
    TableName table = *resolve_tables({name}, catalog.tables, schema).begin();
    if (!plan.keep.count(table))
        throw UsageError(option + " names table '" + name + "', which is not among the tables imported", "add it to --tables");
    return table;
}

SubsetPlan plan_subset(const Catalog &catalog, const ImportOptions &options, const std::string &schema) {
    SubsetPlan plan;
    plan.roots = options.tables.empty() ? std::set<TableName>(catalog.tables.begin(), catalog.tables.end())
                                        : resolve_tables(options.tables, catalog.tables, schema);
    plan.keep = foreign_key_closure(plan.roots, catalog.keys);
    // A table --where or --limit names has its rows selected even when only a foreign key brought it in.
    for (const auto &[name, condition] : options.where) {
        TableName table = option_table(name, "--where", catalog, plan, schema);
        plan.roots.insert(table);
        auto &where = plan.where[table];
        where = where.empty() ? condition : "(" + where + ") AND (" + condition + ")";
    }
    for (const auto &[name, count] : options.limit) {
        TableName table = option_table(name, "--limit", catalog, plan, schema);
        plan.roots.insert(table);
        plan.limit[table] = count;
    }
    return plan;
}

//! Turns target's freshly loaded data into the plan: drops the other tables and, when rows are limited (or
//! none are wanted), deletes every row neither selected nor referenced by a kept row. Rows are selected in the
//! tables asked for (all, or those --where/--limit names); tables pulled in by foreign keys keep referenced rows.
void shape(Loader &loader, const Dialect &dialect, const Endpoint &target, const Catalog &catalog, const SubsetPlan &plan,
           bool no_rows) {
    std::vector<TableName> dropped, kept(plan.keep.begin(), plan.keep.end());
    for (const auto &table : catalog.tables)
        if (!plan.keep.count(table)) dropped.push_back(table);
    if (!dropped.empty()) loader.rows(target, dialect.drop_tables_sql(dropped), "dropping the tables not asked for");
    if (kept.empty() || (!no_rows && plan.where.empty() && plan.limit.empty())) return;
    std::string sql;
    for (const auto &table : kept) sql += dialect.add_marker_sql(table) + " ";
    loader.rows(target, sql, "marking the rows to keep");
    if (!no_rows) {
        sql.clear();
        for (const auto &table : plan.roots) {
            auto where = plan.where.find(table);
            auto limit = plan.limit.find(table);
            sql += dialect.mark_rows_sql(table, where == plan.where.end() ? "" : where->second,
                                         limit == plan.limit.end() ? std::nullopt : std::optional<std::uint64_t>(limit->second)) + " ";
        }
        loader.rows(target, sql, "selecting the rows of --where and --limit");
        keep_parents_until_stable(plan.keep, catalog.keys, [&](const ForeignKey &key) -> std::uint64_t {
            auto rows = loader.rows(target, dialect.keep_parents_sql(key), "keeping the rows referenced by kept rows");
            return rows.empty() || rows.back().empty() ? 0 : std::stoull(rows.back().front());
        });
    }
    loader.rows(target, dialect.delete_unmarked_sql(kept), "deleting the rows not kept");
}

//! Imports source into target, an empty database of a server dspace owns, shaping it to the subset asked for.
//! Returns the tables restored when a subset was asked for.
std::vector<std::string> fill(Loader &loader, const Dialect &dialect, const Source &source, const ImportOptions &options,
                              const Endpoint &target) {
    DumpScope scope;
    scope.schema_only = options.schema_only;
    if (source.live && subset_wanted(options)) {
        // Only the rows of the tables wanted leave the source; the catalog of the source decides which.
        Catalog live = loader.catalog(*source.live);
        SubsetPlan plan = plan_subset(live, options, dialect.default_schema(*source.live));
        scope.only_tables.assign(plan.keep.begin(), plan.keep.end());
        for (const auto &table : live.tables)
            if (!plan.keep.count(table)) scope.skip_data.push_back(table);
    }
    loader.load(source, target, scope);
    bool no_rows = options.schema_only && plain(source); // plain SQL cannot be restored without its rows
    if (!subset_wanted(options) && !no_rows) return {};
    Catalog catalog = loader.catalog(target);
    SubsetPlan plan;
    if (subset_wanted(options)) plan = plan_subset(catalog, options, dialect.default_schema(target));
    else plan.roots = plan.keep = std::set<TableName>(catalog.tables.begin(), catalog.tables.end());
    shape(loader, dialect, target, catalog, plan, no_rows);
    std::vector<std::string> tables;
    if (subset_wanted(options))
        for (const auto &table : plan.keep) tables.push_back(table.qualified());
    return tables;
}

//! The directory of the flavour's client program for version, where its dump and restore tools live too.
std::string tools_dir(sdk::Flavour &flavour, const std::string &space, const std::string &version) {
    sdk::Server probe;
    probe.space = space;
    probe.version = version;
    auto client = flavour.client_command(probe, {});
    if (client.argv.empty()) throw Error("flavour '" + flavour.name() + "' has no client program, so import cannot restore into it");
    return std::filesystem::path(client.argv[0]).parent_path().string();
}

SnapshotOptions snapshot_named(const std::string &space, const std::string &name, const std::string &message) {
    SnapshotOptions options;
    options.space = space;
    options.name = name;
    options.message = message;
    options.force = true;
    return options;
}

//! Runs into a running existing space: a snapshot first, rolled back to when the import fails.
std::vector<std::string> fill_existing(SpaceManager &spaces, SnapshotService &snapshots, Loader &loader, const Dialect &dialect,
                                       const Source &source, const ImportOptions &options, const SpaceState &state) {
    const std::string safety = "before-import";
    snapshots.take(snapshot_named(state.name, safety, "taken by dspace import before filling the space"));
    try {
        Endpoint target = endpoint_of(state.flavour, spaces.server(state));
        if (!subset_wanted(options) && !(options.schema_only && plain(source))) {
            loader.load(source, target, {options.schema_only, {}, {}});
            return {};
        }
        // The subset is shaped on a throwaway server (tables are dropped there), then copied into the space.
        auto stage = spaces.space_dir(state.name) / (".import-" + random_token());
        std::vector<std::string> tables;
        try {
            spaces.with_server_on(state, stage, [&](const sdk::Server &server) {
                Endpoint staged = endpoint_of(state.flavour, server);
                tables = fill(loader, dialect, source, options, staged);
                Source copy{source.display, staged, {}, {}, source.flavour};
                loader.load(copy, target, {});
            });
        } catch (...) {
            fs::remove_tree(stage);
            throw;
        }
        fs::remove_tree(stage);
        return tables;
    } catch (const Error &e) {
        snapshots.rollback(state.name, safety);
        throw Error(e.what(), (e.hint().empty() ? "" : e.hint() + "; ") + "space '" + state.name +
                                  "' was rolled back to its snapshot '" + safety + "', taken before the import");
    }
}

} // namespace

ImportResult import_space(HostServices &host, PluginHost &plugins, SpaceManager &spaces, SnapshotService &snapshots,
                          const ImportOptions &options) {
    validate_name(options.space, "space");
    Source source = inspect_source(options);
    sdk::Flavour &flavour = plugins.flavour(source.flavour);
    SpaceState state;
    if (options.into) {
        state = spaces.load(options.space);
        if (state.flavour != source.flavour)
            throw Error("space '" + state.name + "' is a " + state.flavour + " space, but " + source.display + " is " +
                            (source.live ? "a " + source.flavour + " server" : describe(source.dump.format)),
                        "import it into a new space: dspace import NEWNAME " + source.display);
        SpaceStatus status = spaces.status(state);
        if (status == SpaceStatus::paused)
            throw Error("space '" + state.name + "' is paused", "resume it first: dspace resume " + state.name);
        if (status == SpaceStatus::stopped) spaces.start(state.name);
        state = spaces.load(options.space);
    } else if (spaces.exists(options.space)) {
        throw Error("space '" + options.space + "' already exists",
                    "pick another name, or pass --into to import into it (it is snapshotted first)");
    }
    std::string version = options.into ? state.version : spaces.choose_version(flavour, "");
    auto dialect = make_dialect(source.flavour, tools_dir(flavour, options.space, version));
    Loader loader(host, *dialect);
    loader.check(source);

    ImportResult result;
    result.source = source.display;
    result.format = source.live ? "a live " + source.flavour + " server" : describe(source.dump.format);
    if (options.into) {
        result.tables = fill_existing(spaces, snapshots, loader, *dialect, source, options, state);
    } else {
        SpaceState like;
        like.name = options.space;
        like.flavour = source.flavour;
        like.version = version;
        like.os_user = spaces.server_os_user(flavour);
        like.user = "dspace";
        like.password = random_password();
        like.database = options.space;
        CreateOptions create;
        create.name = options.space;
        create.flavour = source.flavour;
        create.version = version;
        state = spaces.create_from(create, like, [&](const std::filesystem::path &data_dir) {
            spaces.with_server_on(like, data_dir, [&](const sdk::Server &server) {
                result.tables = fill(loader, *dialect, source, options, endpoint_of(like.flavour, server));
            });
        });
    }
    snapshots.take(snapshot_named(state.name, "imported", "taken by dspace import from " + source.display));
    result.space = spaces.load(state.name);
    return result;
}

namespace {

//! The dump at path as a source of state's flavour, with that flavour's dialect.
std::pair<Source, std::unique_ptr<Dialect>> dump_for(PluginHost &plugins, const SpaceState &state, const std::filesystem::path &path) {
    ImportOptions options;
    options.source = path.string();
    options.flavour = state.flavour;
    Source source = inspect_source(options);
    return {source, make_dialect(source.flavour, tools_dir(plugins.flavour(state.flavour), state.name, state.version))};
}

} // namespace

void check_dump(HostServices &host, PluginHost &plugins, const SpaceState &state, const std::filesystem::path &path) {
    auto [source, dialect] = dump_for(plugins, state, path);
    Loader(host, *dialect).check(source);
}

void restore_dump(HostServices &host, PluginHost &plugins, SpaceManager &spaces, const SpaceState &state,
                  const std::filesystem::path &path) {
    auto [source, dialect] = dump_for(plugins, state, path);
    Loader loader(host, *dialect);
    loader.check(source);
    loader.load(source, endpoint_of(state.flavour, spaces.server(state)), {});
}

std::vector<std::string> user_tables(HostServices &host, PluginHost &plugins, SpaceManager &spaces, const SpaceState &state) {
    auto dialect = make_dialect(state.flavour, tools_dir(plugins.flavour(state.flavour), state.name, state.version));
    Loader loader(host, *dialect);
    std::vector<std::string> tables;
    for (const auto &row : loader.rows(endpoint_of(state.flavour, spaces.server(state)), dialect->tables_sql(), "listing the tables"))
        if (row.size() >= 2) tables.push_back(row[0] + "." + row[1]);
    return tables;
}

} // namespace dspace
