// MigrationService: migrate (snapshot, run, roll back on failure), status and dry-run.
#include "migrate_files.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/migrate.hpp>
#include <dspace/core/snapshot.hpp>

#include <spdlog/spdlog.h>


namespace dspace {

namespace {

//! The first word of a migration as a MigrationPlan lists it ("2 add users" -> "2").
std::string migration_id(const std::string &entry) { return entry.substr(0, entry.find(' ')); }

//! Throws when target names none of the migrations the plan knows, listing them.
void check_target(const std::string &target, const sdk::MigrationStatus &status) {
    if (target.empty()) return;
    std::vector<std::string> known = status.applied;
    known.insert(known.end(), status.pending.begin(), status.pending.end());
    for (const auto &entry : known)
        if (migration_id(entry) == target) return;
    std::string list;
    for (const auto &entry : known) list += (list.empty() ? "" : ", ") + migration_id(entry);
    throw UsageError("--target " + target + " is not a known migration", list.empty() ? "there are no migrations"
                                                                                      : "known: " + list);
}

//! The pending migrations up to and including target (all when target is empty).
std::vector<std::string> pending_up_to(const std::vector<std::string> &pending, const std::string &target) {
    if (target.empty()) return pending;
    std::vector<std::string> chosen;
    for (const auto &entry : pending) {
        chosen.push_back(entry);
        if (migration_id(entry) == target) break;
    }
    return chosen;
}

} // namespace

MigrationService::MigrationService(HostServices &host, PluginHost &plugins, SpaceManager &spaces, SnapshotService &snapshots)
    : host_(host), plugins_(plugins), spaces_(spaces), snapshots_(snapshots) {}

std::string MigrationService::resolve_tool(const MigrateOptions &options) const {
    if (!options.tool.empty()) return options.tool;
    if (auto configured = host_.config().get("migrate.tool"); configured && !configured->empty()) return *configured;
    if (!options.space.empty() && spaces_.exists(options.space))
        if (auto last = load_last_migrate(host_.paths(), options.space)) return last->tool;
    throw UsageError("no migration tool given", "pass --tool liquibase|flyway|alembic, or set one: dspace config set migrate.tool alembic");
}

MigrateOptions MigrationService::resolved(const MigrateOptions &options) const {
    MigrateOptions r = options;
    r.tool = resolve_tool(options);
    plugins_.migrator(r.tool); // throws listing the loaded migrators
    auto last = spaces_.exists(options.space) ? load_last_migrate(host_.paths(), options.space) : std::nullopt;
    if (r.folder.empty()) {
        if (auto configured = host_.config().get("migrate.folder"); configured && !configured->empty()) r.folder = *configured;
        else if (last && last->tool == r.tool) {
            r.folder = last->folder;
            if (r.changelog.empty()) r.changelog = last->changelog;
        }
    }
    if (r.folder.empty() && !r.changelog.empty()) r.folder = std::filesystem::path(r.changelog).parent_path().string();
    if (r.folder.empty())
        throw UsageError("no migrations folder given", "pass --folder PATH, or set one: dspace config set migrate.folder db/migrations");
    std::error_code ec;
    r.folder = std::filesystem::absolute(r.folder, ec).lexically_normal().string();
    if (!std::filesystem::exists(r.folder, ec))
        throw Error("the migrations folder " + r.folder + " does not exist", "pass --folder with the folder that holds the migrations");
    if (!r.changelog.empty()) r.changelog = std::filesystem::absolute(r.changelog, ec).lexically_normal().string();
    return r;
}

SpaceState MigrationService::running_space(const std::string &space) {
    SpaceState state = spaces_.load(space);
    SpaceStatus status = spaces_.status(state);
    if (status == SpaceStatus::paused)
        throw Error("space '" + space + "' is paused", "resume it first: dspace resume " + space);
    if (status == SpaceStatus::stopped) {
        spaces_.start(space);
        state = spaces_.load(space);
    }
    return state;
}

sdk::MigrationRequest MigrationService::request_for(const SpaceState &state, const MigrateOptions &options) const {
    return build_migration_request(spaces_, state, options);
}

sdk::MigrationStatus MigrationService::status(const MigrateOptions &options) {
    MigrateOptions r = resolved(options);
    SpaceState state = running_space(r.space);
    sdk::MigrationRequest request = request_for(state, r);
    if (auto *plan = plugins_.capability<sdk::MigrationPlan>(r.tool)) return value_or_throw(plan->status(host_, request));
    sdk::MigrationStatus status;
    status.head = value_or_throw(plugins_.migrator(r.tool).current_head(host_, request));
    return status;
}

std::string MigrationService::dry_run(const MigrateOptions &options) {
    MigrateOptions r = resolved(options);
    auto *plan = plugins_.capability<sdk::MigrationPlan>(r.tool);
    if (!plan)
        throw Error("migrator " + r.tool + " cannot show what it would run (it has no MigrationPlan capability)",
                    "run `dspace migrate " + r.space + " --try` on a copy instead, or update the plugin");
    SpaceState state = running_space(r.space);
    sdk::MigrationRequest request = request_for(state, r);
    throw_if_failed(plan->validate(host_, request));
    check_target(r.target, value_or_throw(plan->status(host_, request)));
    return value_or_throw(plan->dry_run(host_, request));
}

MigrateOutcome MigrationService::migrate(const MigrateOptions &options) {
    MigrateOptions r = resolved(options);
    sdk::Migrator &migrator = plugins_.migrator(r.tool);
    auto *plan = plugins_.capability<sdk::MigrationPlan>(r.tool);
    SpaceState state = running_space(r.space);
    sdk::MigrationRequest request = request_for(state, r);
    save_last_migrate(host_.paths(), r.space, {r.tool, r.folder, r.changelog});

    MigrateOutcome outcome;
    outcome.tool = r.tool;
    sdk::MigrationStatus before;
    if (plan) {
        throw_if_failed(plan->validate(host_, request));
        before = value_or_throw(plan->status(host_, request));
        if (before.applied.empty() && before.pending.empty())
            throw Error("no migrations found in " + r.folder + " for " + r.tool + "; nothing was changed",
                        "check --folder (and --changelog): it should hold the migrations " + r.tool + " reads");
        check_target(r.target, before);
        outcome.applied = pending_up_to(before.pending, r.target);
        outcome.pending = !outcome.applied.empty();
        outcome.head_before = before.head;
    } else {
        outcome.pending = true;
        outcome.head_before = value_or_throw(migrator.current_head(host_, request));
    }
    if (!outcome.pending) {
        outcome.head_after = outcome.head_before;
        return outcome;
    }
    if (r.snapshot_first) {
        SnapshotOptions snap;
        snap.space = r.space;
        snap.name = "pre-migrate-" + utc_now_compact();
        snap.message = "before dspace migrate --tool " + r.tool;
        snap.force = true; // two migrates within one second: the later state is the one to keep
        snap.migration_tool = r.tool;
        snap.migration_head = outcome.head_before;
        outcome.snapshot = snapshots_.take(snap).name;
        state = running_space(r.space); // the snapshotter may have restarted the server
        request = request_for(state, r);
    }
    save_migrate_intent(host_.paths(), r.space, {r.tool, outcome.snapshot, utc_now_iso()});
    sdk::Status ran = migrator.migrate(host_, request);
    if (ran.ok()) {
        clear_migrate_intent(host_.paths(), r.space);
        auto head = migrator.current_head(host_, request);
        if (head) outcome.head_after = head.value();
        else spdlog::warn("cannot read the migration head after migrating: {}", head.status().message());
        return outcome;
    }

    std::string failed_migration;
    if (plan)
        if (auto after = plan->status(host_, request); after.ok() && !after.value().pending.empty())
            failed_migration = after.value().pending.front();
    std::string message = r.tool + " failed" + (failed_migration.empty() ? "" : " (first migration not applied: " + failed_migration + ")") + ": " +
                          ran.message();
    std::string rollback = "dspace rollback " + r.space + " --to " + outcome.snapshot;
    if (outcome.snapshot.empty()) {
        clear_migrate_intent(host_.paths(), r.space);
        throw Error(message + "\nnothing was rolled back (--no-snapshot): the space is left as the failed migration left it",
                    "fix the migration, repair the database by hand, and run migrate again");
    }
    if (r.keep_on_failure) {
        clear_migrate_intent(host_.paths(), r.space);
        throw Error(message + "\nthe failed state is kept (--keep-on-failure)", "to undo the migration run: " + rollback);
    }
    snapshots_.rollback(r.space, outcome.snapshot);
    clear_migrate_intent(host_.paths(), r.space);
    throw Error(message + "\nspace '" + r.space + "' was rolled back to snapshot " + outcome.snapshot + " (taken just before; head " +
                    (outcome.head_before.empty() ? "none" : outcome.head_before) + "): its schema and data are as before",
                "fix the migration and run migrate again");
}

} // namespace dspace
