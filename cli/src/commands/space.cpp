// dspace create | list | status | start | stop | pause | resume | rm: the life of a space.
#include "../command.hpp"
#include "../output.hpp"
#include "snapshot_services.hpp"
#include "space_common.hpp"

#include <dspace/core/env_format.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <iostream>

namespace dspace::cli {

std::string masked_url(SpaceManager &spaces, const SpaceState &state) {
    try {
        for (const auto &[name, value] : spaces.flavour(state).environment(spaces.server(state)))
            if (name == "DATABASE_URL") return mask_secret(value, state.password);
    } catch (const Error &) {
        // flavour plugin not loaded: no URL to show
    }
    return {};
}

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_space(Writer &w, SpaceManager &spaces, const SpaceState &s) {
    SpaceStatus status = spaces.status(s);
    w.StartObject();
    json_field(w, "name", s.name);
    json_field(w, "flavour", s.flavour);
    json_field(w, "version", s.version);
    json_field(w, "status", to_string(status));
    w.Key("port");
    w.Int(s.port);
    w.Key("pid");
    if (status == SpaceStatus::stopped) w.Null();
    else w.Int(static_cast<int>(s.pid));
    json_field(w, "data_dir", spaces.data_dir(s.name).string());
    w.Key("size_bytes");
    w.Uint64(fs::tree_size(spaces.data_dir(s.name)));
    json_field(w, "created", s.created);
    w.EndObject();
}

std::string human_size(std::uint64_t bytes) {
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024 && unit < 4) {
        value /= 1024;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    return text;
}

int run_create(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace create NAME --flavour postgres|mysql [--version V] [--port N] [options]";
    spec.description =
        "Creates a space: a private database server on its own port, listening on 127.0.0.1. It is initialised from a\n"
        "cached template cluster, started, and ready when this returns; the connection URL is printed with the\n"
        "password masked (`dspace env NAME` shows it). Without --port a free port is picked and kept for the life\n"
        "of the space. The password is random unless --password is given.";
    CreateOptions options;
    std::string from_snapshot;
    spec.options.add_options()
        ("name", po::value(&options.name)->required(), "the space's name")
        ("flavour,f", po::value(&options.flavour), "database engine: postgres or mysql (`dspace plugins` lists them)")
        ("from-snapshot", po::value(&from_snapshot), "SPACE/SNAP: start from that snapshot's data, with its flavour, version and credentials")
        ("version", po::value(&options.version), "server version (default: the newest installed)")
        ("port,p", po::value(&options.port), "TCP port (default: a free one)")
        ("expose-port", po::value(&options.port), "same as --port")
        ("initial-database", po::value(&options.database), "the database to create (default: the space's name)")
        ("user", po::value(&options.user), "the database user to create (default: dspace)")
        ("password", po::value(&options.password), "its password (default: random)")
        ("listen", po::value(&options.listen_address), "address to listen on (default: 127.0.0.1)");
    spec.positional.add("name", 1);
    po::variables_map vm;
    if (!parse_verb("create", spec, args, vm)) return exit_ok;
    if (vm.count("port") && vm.count("expose-port")) throw UsageError("give --port or --expose-port, not both");
    if (options.flavour.empty() && from_snapshot.empty())
        throw UsageError("dspace create: the option '--flavour' is required", "run `dspace create --help` for its options");
    SpaceManager spaces = open_spaces(context);
    SpaceState state = from_snapshot.empty() ? spaces.create(options) : create_from_snapshot(context, spaces, options, from_snapshot);
    std::cout << "created space '" << state.name << "' (" << state.flavour << " " << state.version << ") on port " << state.port
              << "\n" << masked_url(spaces, state) << "\n";
    return exit_ok;
}

int run_list(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace list [--json]";
    spec.description = "Lists the spaces with their status (running, paused or stopped), port and data size.";
    spec.options.add_options()("json", "print a JSON array of objects: name, flavour, version, status, port, pid, data_dir, size_bytes,\n"
                                       "created; a space whose state file is damaged has only name, status \"damaged\" and error");
    po::variables_map vm;
    if (!parse_verb("list", spec, args, vm)) return exit_ok;
    SpaceManager spaces = open_spaces(context, Access::read_only);
    auto all = spaces.entries();
    if (vm.count("json")) {
        rapidjson::StringBuffer buffer;
        Writer w(buffer);
        w.StartArray();
        for (const auto &entry : all) {
            if (entry.state) {
                write_space(w, spaces, *entry.state);
                continue;
            }
            w.StartObject();
            json_field(w, "name", entry.name);
            json_field(w, "status", "damaged");
            json_field(w, "error", entry.damage);
            w.EndObject();
        }
        w.EndArray();
        std::cout << buffer.GetString() << "\n";
        return exit_ok;
    }
    if (all.empty()) {
        std::cout << "no spaces yet; create one with `dspace create NAME --flavour postgres`\n";
        return exit_ok;
    }
    std::cout << std::left << std::setw(20) << "NAME" << std::setw(10) << "FLAVOUR" << std::setw(9) << "VERSION" << std::setw(9)
              << "STATUS" << std::setw(7) << "PORT" << std::setw(11) << "SIZE" << "CREATED\n";
    bool any_damaged = false;
    for (const auto &entry : all) {
        if (!entry.state) {
            std::cout << std::setw(20) << entry.name << std::setw(10) << "-" << std::setw(9) << "-" << std::setw(9) << "damaged"
                      << entry.damage << "\n";
            any_damaged = true;
            continue;
        }
        const SpaceState &s = *entry.state;
        std::cout << std::setw(20) << s.name << std::setw(10) << s.flavour << std::setw(9) << s.version << std::setw(9)
                  << to_string(spaces.status(s)) << std::setw(7) << s.port << std::setw(11)
                  << human_size(fs::tree_size(spaces.data_dir(s.name))) << s.created << "\n";
    }
    if (any_damaged) std::cerr << "hint: a damaged space can be removed with `dspace rm --force NAME`\n";
    return exit_ok;
}

int run_status(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace status NAME [--json]";
    spec.description = "Shows one space: status, port, pid, data directory, size, and its connection URL (password masked).";
    std::string name;
    spec.options.add_options()("name", po::value(&name)->required(), "the space")("json", "print one JSON object (keys as in `dspace list --json`)");
    spec.positional.add("name", 1);
    po::variables_map vm;
    if (!parse_verb("status", spec, args, vm)) return exit_ok;
    SpaceManager spaces = open_spaces(context, Access::read_only);
    SpaceState s = spaces.load(name);
    if (vm.count("json")) {
        rapidjson::StringBuffer buffer;
        Writer w(buffer);
        write_space(w, spaces, s);
        std::cout << buffer.GetString() << "\n";
        return exit_ok;
    }
    SpaceStatus status = spaces.status(s);
    std::cout << "name:     " << s.name << "\n"
              << "flavour:  " << s.flavour << " " << s.version << "\n"
              << "status:   " << to_string(status) << "\n"
              << "port:     " << s.port << " on " << s.listen_address << "\n"
              << "pid:      " << (status == SpaceStatus::stopped ? std::string("-") : std::to_string(s.pid)) << "\n"
              << "data_dir: " << spaces.data_dir(s.name).string() << "\n"
              << "size:     " << human_size(fs::tree_size(spaces.data_dir(s.name))) << "\n"
              << "created:  " << s.created << "\n"
              << "url:      " << masked_url(spaces, s) << "\n";
    return exit_ok;
}

//! Runs action on each named space; reports each failure and returns the highest exit code (0 when none failed).
template <typename Action>
int for_each_space(SpaceManager &, const std::vector<std::string> &names, Action action) {
    int result = exit_ok;
    for (const auto &name : names) {
        try {
            action(name);
        } catch (const Error &e) {
            std::cerr << "error: " << e.what() << "\n";
            if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << "\n";
            result = std::max(result, e.exit_code()); // a bad name stays a usage error (2)
        }
    }
    return result;
}

//! start, stop, pause, resume: one action over NAME...
int run_simple(Context &context, const std::vector<std::string> &args, const std::string &verb, const std::string &description) {
    VerbSpec spec;
    spec.usage = "dspace " + verb + " NAME...";
    spec.description = description;
    std::vector<std::string> names;
    spec.options.add_options()("names", po::value(&names)->required()->multitoken(), "the spaces");
    if (verb == "stop") spec.options.add_options()("immediate", "shut down as fast as possible (the server recovers on the next start)");
    spec.positional.add("names", -1);
    po::variables_map vm;
    if (!parse_verb(verb, spec, args, vm)) return exit_ok;
    SpaceManager spaces = open_spaces(context);
    SnapshotService snapshots(context.host(), context.plugins(), spaces);
    return for_each_space(spaces, names, [&](const std::string &name) {
        snapshots.recover_snapshot_leftovers(name); // e.g. finish a rollback a crash interrupted before starting on its data
        if (verb == "start") spaces.start(name);
        else if (verb == "stop") spaces.stop(name, vm.count("immediate") > 0);
        else if (verb == "pause") spaces.pause(name);
        else spaces.resume(name);
        std::cout << verb << (verb == "stop" ? "ped" : verb.back() == 'e' ? "d" : "ed") << " " << name << "\n";
    });
}

int run_start(Context &c, const std::vector<std::string> &a) {
    return run_simple(c, a, "start", "Starts stopped spaces (also after a crash or reboot) and waits until they accept connections.");
}
int run_stop(Context &c, const std::vector<std::string> &a) {
    return run_simple(c, a, "stop", "Shuts the servers of spaces down cleanly; a stopped space uses no memory or CPU.");
}
int run_pause(Context &c, const std::vector<std::string> &a) {
    return run_simple(c, a, "pause", "Freezes every process of the spaces' servers (SIGSTOP); queries wait until `dspace resume`.");
}
int run_resume(Context &c, const std::vector<std::string> &a) {
    return run_simple(c, a, "resume", "Thaws paused spaces; queries sent meanwhile complete.");
}

int run_rm(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace rm NAME... | --all  [--force] [--purge]";
    spec.description =
        "Stops spaces and deletes them with their data directories. Their snapshots stay unless --purge is given.\n"
        "--force stops the server immediately and also removes a space whose state is damaged.";
    std::vector<std::string> names;
    spec.options.add_options()
        ("names", po::value(&names)->multitoken(), "the spaces")
        ("all", "remove every space")
        ("force", "stop immediately; remove damaged spaces too")
        ("purge", "also delete the spaces' snapshots (with --all: every snapshot, also of spaces removed before)");
    spec.positional.add("names", -1);
    po::variables_map vm;
    if (!parse_verb("rm", spec, args, vm)) return exit_ok;
    bool all = vm.count("all") > 0;
    if (all == !names.empty()) throw UsageError("dspace rm takes space names or --all", "run `dspace rm --help`");
    SpaceManager spaces = open_spaces(context);
    if (all) names = spaces.names();
    bool force = vm.count("force") > 0, purge = vm.count("purge") > 0;
    SnapshotService snapshots(context.host(), context.plugins(), spaces);
    int rc = for_each_space(spaces, names, [&](const std::string &name) {
        spaces.remove(name, force);
        if (purge) snapshots.remove_all(name);
        std::cout << "removed " << name << (purge ? " and its snapshots" : "") << "\n";
    });
    if (all && purge) {
        PruneOptions orphans;
        orphans.orphans = true;
        for (const auto &m : snapshots.prune(orphans)) std::cout << "removed snapshot " << m.space << "/" << m.name << "\n";
    }
    return rc;
}

} // namespace

void add_space_commands(std::vector<Command> &table) {
    table.push_back({"create", "create and start a new space (a private database server)", run_create});
    table.push_back({"list", "list the spaces and their status", run_list});
    table.push_back({"status", "show one space", run_status});
    table.push_back({"start", "start stopped spaces", run_start});
    table.push_back({"stop", "stop spaces cleanly", run_stop});
    table.push_back({"pause", "freeze spaces' servers", run_pause});
    table.push_back({"resume", "thaw paused spaces", run_resume});
    table.push_back({"rm", "delete spaces and their data", run_rm});
}

} // namespace dspace::cli
