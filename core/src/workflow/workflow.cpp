// `dspace up`, seed, reset and down for a project's space.
#include <dspace/core/error.hpp>
#include <dspace/core/import.hpp>
#include <dspace/core/process.hpp>
#include <dspace/core/space_environment.hpp>
#include <dspace/core/workflow.hpp>

namespace dspace {

namespace {

//! A command as the user wrote it in dspace.json, for messages.
std::string show(const std::vector<std::string> &argv) {
    std::string text;
    for (const auto &arg : argv) text += (text.empty() ? "" : " ") + (arg.find(' ') == std::string::npos ? arg : "'" + arg + "'");
    return text;
}

} // namespace

Workflow::Workflow(HostServices &host, PluginHost &plugins, SpaceManager &spaces, SnapshotService &snapshots, Project project,
                   StepReport report)
    : host_(host), plugins_(plugins), spaces_(spaces), snapshots_(snapshots), migrations_(host, plugins, spaces, snapshots),
      project_(std::move(project)), report_(std::move(report)) {}

SpaceState Workflow::ensure_running() {
    if (!spaces_.exists(project_.space)) {
        CreateOptions options;
        options.name = project_.space;
        options.flavour = project_.flavour;
        options.version = project_.version;
        options.port = project_.port;
        options.database = project_.initial_database;
        SpaceState state = spaces_.create(options);
        report_("created space " + state.name + " (" + state.flavour + " " + state.version + ", port " + std::to_string(state.port) + ")");
        return state;
    }
    SpaceState state = spaces_.load(project_.space);
    switch (spaces_.status(state)) {
    case SpaceStatus::running:
        break;
    case SpaceStatus::paused:
        spaces_.resume(state.name);
        report_("resumed space " + state.name + " (it was paused)");
        break;
    case SpaceStatus::stopped:
        spaces_.start(state.name);
        report_("started space " + state.name);
        break;
    }
    return spaces_.load(project_.space);
}

SpaceState Workflow::recreate() {
    SpaceState old = spaces_.load(project_.space);
    CreateOptions options;
    options.name = old.name;
    options.flavour = old.flavour;
    options.version = old.version;
    options.port = old.port;
    options.listen_address = old.listen_address;
    options.user = old.user;
    options.password = old.password;
    options.database = old.database;
    spaces_.remove(old.name, false);
    SpaceState state = spaces_.create(options);
    report_("emptied space " + state.name + " (recreated with the same port and credentials; its snapshots are kept)");
    return state;
}

void Workflow::migrate(bool snapshot_first) {
    if (!project_.migrations) return;
    MigrateOptions options;
    options.space = project_.space;
    options.tool = project_.migrations->tool;
    options.folder = project_.migrations_dir().string();
    options.snapshot_first = snapshot_first;
    MigrateOutcome outcome = migrations_.migrate(options);
    if (!outcome.pending) {
        report_("migrations: nothing pending (head " + (outcome.head_before.empty() ? "none" : outcome.head_before) + ")");
        return;
    }
    std::string applied;
    for (const auto &m : outcome.applied) applied += (applied.empty() ? "" : ", ") + m;
    report_("migrated with " + outcome.tool + ": " + (outcome.head_before.empty() ? "(none)" : outcome.head_before) + " -> " +
            (outcome.head_after.empty() ? "(none)" : outcome.head_after) + (applied.empty() ? "" : " (applied " + applied + ")") +
            (outcome.snapshot.empty() ? "" : "; snapshot " + outcome.snapshot + " taken first"));
}

void Workflow::run_seed_commands(const SpaceState &state) {
    for (const auto &argv : project_.seed) {
        sdk::Command command;
        command.argv = argv;
        command.env = space_environment(spaces_, state);
        command.cwd = project_.root.string();
        command.secrets = {state.password};
        report_("seed: " + show(argv));
        auto result = host_.processes().run(command);
        if (!result)
            throw Error("seed command `" + show(argv) + "` could not run: " + result.status().message(),
                        "fix it in " + project_.file.string() + "; no _init backup was saved");
        if (!result->succeeded()) {
            std::string status = result->signal ? "was killed by signal " + std::to_string(result->signal)
                                                : "failed with exit status " + std::to_string(result->exit_code);
            std::string err = result->err;
            while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
            throw Error("seed command `" + show(argv) + "` " + status + (err.empty() ? "" : ": " + err),
                        "fix it in " + project_.file.string() + ", then run `dspace up` again; no _init backup was saved");
        }
    }
}

void Workflow::up(const UpOptions &options) {
    if (options.clean && spaces_.exists(project_.space)) {
        spaces_.remove(project_.space, false);
        report_("removed space " + project_.space + " (--clean; its snapshots are kept)");
    }
    SpaceState state = ensure_running();
    if (!options.load.empty()) {
        load(options.load);
        return;
    }
    auto tables = user_tables(host_, plugins_, spaces_, state);
    bool seed_now = false;
    if (!tables.empty()) {
        report_("data: the database has " + std::to_string(tables.size()) + " tables; nothing loaded or seeded");
    } else if (auto init = backup(init_backup)) {
        restore(state, *init);
        report_("data: the database was empty; loaded backup _init" +
                (init->migration_head.empty() ? "" : " (saved at migration head " + init->migration_head + ")"));
    } else if (options.skip_seed) {
        report_("data: the database is empty and there is no _init backup; seeding skipped (--skip-seed)");
    } else if (project_.seed.empty()) {
        report_("data: the database is empty and dspace.json has no seed commands; nothing to seed");
    } else {
        seed_now = true;
    }
    if (options.skip_migrate) report_("migrations: skipped (--skip-migrate)");
    else if (!project_.migrations) report_("migrations: none configured in dspace.json");
    else migrate(!tables.empty());
    if (!seed_now) return;
    run_seed_commands(state);
    dump(init_backup, true);
}

void Workflow::seed() {
    if (project_.seed.empty())
        throw Error("dspace.json has no seed commands", "add \"seed\": [[\"psql\", \"-c\", \"insert ...\"]] to " + project_.file.string());
    ensure_running();
    SpaceState state = recreate();
    migrate(false);
    run_seed_commands(state);
    dump(init_backup, true);
}

void Workflow::reset(const std::string &snapshot_first) {
    SpaceState state = spaces_.load(project_.space);
    if (!snapshot_first.empty()) {
        SnapshotOptions options;
        options.space = state.name;
        options.name = snapshot_first;
        snapshots_.take(options);
        report_("snapshot " + state.name + "/" + snapshot_first + " taken before resetting");
    }
    if (spaces_.status(state) == SpaceStatus::paused) spaces_.resume(state.name);
    recreate();
}

void Workflow::down() {
    SpaceState state = spaces_.load(project_.space);
    if (spaces_.status(state) == SpaceStatus::stopped) {
        report_("space " + state.name + " is already stopped");
        return;
    }
    spaces_.stop(state.name);
    report_("stopped space " + state.name + " (its data is kept; `dspace up` starts it again)");
}

} // namespace dspace
