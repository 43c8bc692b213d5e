// MigrationService::try_run: the pending migrations on a throwaway copy of the space, timed one by one,
// with the difference of the schema listings before and after.
#include "migrate_files.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/migrate.hpp>
#include <dspace/core/snapshot.hpp>

#include <chrono>
#include <set>
#include <sstream>
#include <unistd.h>

namespace dspace {

namespace {

//! Tables and columns of the user schemas, in an order both engines' information_schema give the same way.
constexpr const char *schema_query =
    "select table_schema, table_name, column_name, data_type, is_nullable, column_default\n"
    "from information_schema.columns\n"
    "where table_schema not in ('information_schema', 'pg_catalog', 'mysql', 'performance_schema', 'sys')\n"
    "order by table_schema, table_name, ordinal_position;\n";

//! The schema listing of a running space: the query above through the flavour's own client, one row a line.
std::vector<std::string> schema_listing(HostServices &host, SpaceManager &spaces, const SpaceState &state) {
    std::filesystem::path query_file = host.paths().cache_dir() / "migrate-schema-query.sql";
    fs::make_private_dir(host.paths().cache_dir());
    fs::write_file_atomic(query_file, schema_query, 0644);
    sdk::Command command = spaces.flavour(state).client_command(spaces.server(state), {});
    command.stdin_file = query_file.string();
    command.timeout = std::chrono::minutes(2);
    auto ran = value_or_throw(host.processes().run(command));
    if (!ran.succeeded())
        throw Error("listing the schema of space '" + state.name + "' failed: " + ran.err, "run `dspace shell " + state.name + "` to check the server");
    std::vector<std::string> lines;
    std::istringstream in(ran.out);
    for (std::string line; std::getline(in, line);)
        if (!(line.size() > 4 && line.front() == '(' && (line.ends_with(" rows)") || line.ends_with(" row)")))) lines.push_back(line); // psql's footer

    return lines;
}

//! "- line" for each line only in before, "+ line" for each only in after, in listing order.
std::vector<std::string> listing_diff(const std::vector<std::string> &before, const std::vector<std::string> &after) {
    std::multiset<std::string> in_before(before.begin(), before.end()), in_after(after.begin(), after.end());
    std::vector<std::string> diff;
    for (const auto &line : before)
        if (!in_after.count(line)) diff.push_back("- " + line);
    for (const auto &line : after)
        if (!in_before.count(line)) diff.push_back("+ " + line);
    return diff;
}

//! A name for the throwaway copy that no user space has (short: it ends up in socket paths).
std::string try_copy_name() {
    return "try-" + std::to_string(::getpid()) + "-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
}

} // namespace

TryOutcome MigrationService::try_run(const MigrateOptions &options) {
    MigrateOptions r = resolved(options);
    auto *plan = plugins_.capability<sdk::MigrationPlan>(r.tool);
    if (!plan)
        throw Error("migrator " + r.tool + " cannot list its migrations (it has no MigrationPlan capability), so --try cannot time them",
                    "take a snapshot and migrate: dspace migrate " + r.space + " runs with a rollback on failure");
    sdk::Migrator &migrator = plugins_.migrator(r.tool);
    {
        SpaceState source = running_space(r.space);
        sdk::MigrationRequest request = request_for(source, r);
        throw_if_failed(plan->validate(host_, request));
    }
    std::string copy = try_copy_name();
    SpaceState state = snapshots_.copy_space(r.space, copy, "", true); // a killed try leaves no copy behind
    TryOutcome outcome;
    outcome.tool = r.tool;
    try {
        state = running_space(copy);
        MigrateOptions on_copy = r;
        on_copy.space = copy;
        sdk::MigrationRequest request = request_for(state, on_copy);
        sdk::MigrationStatus status = value_or_throw(plan->status(host_, request));
        std::vector<std::string> steps;
        for (const auto &entry : status.pending) {
            steps.push_back(entry.substr(0, entry.find(' ')));
            if (steps.back() == r.target) break;
        }
        std::vector<std::string> before = schema_listing(host_, spaces_, state);
        outcome.succeeded = true;
        for (const auto &step : steps) {
            request.target = step;
            auto started = std::chrono::steady_clock::now();
            sdk::Status ran = migrator.migrate(host_, request);
            double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            outcome.steps.push_back({step, seconds, ran.ok()});
            if (!ran.ok()) {
                outcome.succeeded = false;
                outcome.error = ran.message();
                break;
            }
        }
        outcome.schema_diff = listing_diff(before, schema_listing(host_, spaces_, state));
    } catch (...) {
        spaces_.remove(copy, true);
        throw;
    }
    spaces_.remove(copy, true);
    return outcome;
}

} // namespace dspace
