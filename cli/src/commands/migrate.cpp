// `dspace migrate NAME --tool T [--folder PATH] ...`: schema migrations with a snapshot before and a rollback on failure.
#include "../command.hpp"
#include "../output.hpp"
#include "snapshot_services.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/migrate.hpp>

#include <cstdio>
#include <iostream>

namespace dspace::cli {

namespace {

//! Prints a MigrationStatus as {tool, head, applied, pending} or as text.
void print_status(const std::string &tool, const sdk::MigrationStatus &status, bool json) {
    if (json) {
        print_json([&](JsonWriter &w) {
            w.StartObject();
            json_field(w, "tool", tool);
            json_field(w, "head", status.head);
            for (auto [key, list] : {std::pair{"applied", &status.applied}, std::pair{"pending", &status.pending}}) {
                w.Key(key);
                w.StartArray();
                for (const auto &m : *list) w.String(m.c_str(), static_cast<rapidjson::SizeType>(m.size()));
                w.EndArray();
            }
            w.EndObject();
        });
        return;
    }
    std::cout << "tool:    " << tool << "\nhead:    " << (status.head.empty() ? "(none applied)" : status.head) << "\n";
    std::cout << "applied: " << status.applied.size() << "\n";
    for (const auto &m : status.applied) std::cout << "  " << m << "\n";
    std::cout << "pending: " << status.pending.size() << "\n";
    for (const auto &m : status.pending) std::cout << "  " << m << "\n";
}

//! Prints what a try-run found; returns its exit code.
int print_try(const std::string &space, const TryOutcome &outcome) {
    std::cout << "try-run of " << outcome.tool << " on a temporary copy of space " << space << " (removed; the space was not changed)\n";
    for (const auto &step : outcome.steps) {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.2f s", step.seconds);
        std::cout << "  " << (step.succeeded ? "ok     " : "FAILED ") << step.migration << "  " << seconds << "\n";
    }
    if (outcome.steps.empty()) std::cout << "  nothing pending\n";
    std::cout << "schema difference (- before, + after):\n";
    for (const auto &line : outcome.schema_diff) std::cout << "  " << line << "\n";
    if (outcome.schema_diff.empty()) std::cout << "  none\n";
    if (outcome.succeeded) {
        std::cout << "result: every pending migration applied\n";
        return exit_ok;
    }
    std::cout << "result: failed: " << outcome.error << "\n";
    return exit_failed;
}

int run_migrate(Context &context, const std::vector<std::string> &args) {
    std::vector<std::string> rest = args;
    MigrateOptions options;
    options.extra_args = take_passthrough(rest);
    VerbSpec spec;
    spec.usage = "dspace migrate NAME [--tool liquibase|flyway|alembic|PLUGIN] [--folder PATH] [--changelog FILE]\n"
                 "                    [--target VERSION] [--status|--dry-run|--try] [--no-snapshot] [--keep-on-failure] [--json]\n"
                 "                    [-- TOOL_ARGS...]";
    spec.description =
        "Applies the pending schema migrations of FOLDER to space NAME with a migration tool (a migrator plugin).\n"
        "First takes a snapshot pre-migrate-<UTC time> (none when nothing is pending); when the tool fails, rolls\n"
        "the space back to it, so schema and data are exactly as before, also after DDL that committed implicitly.\n"
        "The tool gets its connection from the space (credentials through its environment, never its command line).\n"
        "--tool and --folder default to config migrate.tool / migrate.folder, then to the space's last migrate.\n"
        "An interrupted migration (dspace killed) is reported by the next migrate or status, with the rollback command.";
    bool no_snapshot = false;
    spec.options.add_options()("space", po::value(&options.space)->required(), "the space")(
        "tool", po::value(&options.tool), "migrator: liquibase, flyway, alembic, or any loaded migrator plugin")(
        "folder", po::value(&options.folder), "the folder holding the migrations (alembic: the one with alembic.ini)")(
        "changelog", po::value(&options.changelog),
        "liquibase: the changelog (default: db.changelog-master.* in the folder); alembic: the ini file (default: alembic.ini)")(
        "target", po::value(&options.target), "migrate up to this version, revision or changeset id")(
        "status", "show applied and pending migrations and the head; changes nothing")(
        "dry-run", "show the SQL (or plan) that would run; changes nothing")(
        "try", "run the pending migrations on a temporary copy, report times and the schema difference, remove the copy")(
        "no-snapshot", po::bool_switch(&no_snapshot), "take no snapshot first (a failure then cannot be rolled back)")(
        "keep-on-failure", po::bool_switch(&options.keep_on_failure), "on failure leave the failed state; print the rollback command")(
        "json", "with --status: print {tool, head, applied, pending}; with a plain migrate: {tool, pending, head_before,\n"
                "head_after, snapshot}");
    spec.positional.add("space", 1);
    po::variables_map vm;
    if (!parse_verb("migrate", spec, rest, vm)) return exit_ok;
    if (vm.count("status") + vm.count("dry-run") + vm.count("try") > 1)
        throw UsageError("--status, --dry-run and --try exclude each other", "pick one");
    options.snapshot_first = !no_snapshot;
    bool json = vm.count("json") > 0;

    SnapshotServices services(context);
    MigrationService migrations(context.host(), context.plugins(), services.spaces, services.snapshots);
    services.spaces.load(options.space); // a missing space is reported before anything else
    if (auto interrupted = interrupted_migration(context.paths(), options.space))
        std::cerr << "warning: " << interrupted_migration_notice(options.space, *interrupted) << "\n";

    if (vm.count("status")) {
        std::string tool = migrations.resolve_tool(options);
        print_status(tool, migrations.status(options), json);
        return exit_ok;
    }
    if (vm.count("dry-run")) {
        std::cout << migrations.dry_run(options);
        return exit_ok;
    }
    if (vm.count("try")) return print_try(options.space, migrations.try_run(options));

    MigrateOutcome outcome = migrations.migrate(options);
    if (json) {
        print_json([&](JsonWriter &w) {
            w.StartObject();
            json_field(w, "tool", outcome.tool);
            w.Key("pending");
            w.Bool(outcome.pending);
            json_field(w, "head_before", outcome.head_before);
            json_field(w, "head_after", outcome.head_after);
            json_field(w, "snapshot", outcome.snapshot);
            w.EndObject();
        });
        return exit_ok;
    }
    if (!outcome.pending) {
        std::cout << "nothing to migrate: space " << options.space << " is at "
                  << (outcome.head_before.empty() ? "no migration" : outcome.head_before) << "; no snapshot taken\n";
        return exit_ok;
    }
    if (!outcome.snapshot.empty()) std::cout << "snapshot " << outcome.snapshot << " taken before migrating\n";
    std::cout << "space " << options.space << " migrated with " << outcome.tool << ": "
              << (outcome.head_before.empty() ? "(none)" : outcome.head_before) << " -> "
              << (outcome.head_after.empty() ? "(none)" : outcome.head_after) << "\n";
    return exit_ok;
}

} // namespace

void add_migrate_commands(std::vector<Command> &table) {
    table.push_back({"migrate", "apply schema migrations (liquibase, flyway, alembic) with a snapshot and rollback", run_migrate});
}

} // namespace dspace::cli
