// dspace create | list | status | start | stop | pause | resume | rm: the life of a space.
#include "../command.hpp"
#include "../output.hpp"
#include "../plugin_names.hpp"
#include "snapshot_services.hpp"
#include "space_common.hpp"

#include <dspace/core/adopt.hpp>
#include <dspace/core/env_format.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/expiry.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/names.hpp>
#include <dspace/core/printable.hpp>
#include <dspace/core/server_settings.hpp>
#include <dspace/core/migrate.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <cstdlib>
#include <iostream>
#include <unistd.h>

namespace dspace::cli {

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
    json_field(w, "expires", s.expires);
    w.Key("idle_stop_seconds");
    w.Uint64(s.idle_stop_seconds);
    w.Key("settings");
    w.StartObject();
    for (const auto &[key, value] : s.settings) json_field(w, key.c_str(), value);
    w.EndObject();
    w.EndObject();
}

//! When a space ends by itself: "2024-05-01T12:00:00Z (in 1h59m)", "stops after 10m idle", both, or "-".
std::string expiry_text(const SpaceState &s) {
    std::string text;
    if (!s.expires.empty()) {
        long long left = seconds_until(s.expires);
        text = s.expires + (left > 0 ? " (in " + format_duration(static_cast<unsigned long long>(left)) + ")" : " (due)");
    }
    if (s.idle_stop_seconds > 0) text += (text.empty() ? "" : "; ") + std::string("stops after ") + format_duration(s.idle_stop_seconds) + " idle";
    return text.empty() ? "-" : text;
}

//! The settings as "key = value" lines for status, or "-".
std::string settings_text(const SpaceState &s) {
    std::string text;
    for (const auto &[key, value] : s.settings) text += (text.empty() ? "" : "\n          ") + key + " = " + value;
    return text.empty() ? "-" : text;
}

//! The password of a new space: --password, else the first line of stdin (--password-stdin), else DSPACE_PASSWORD,
//! else empty (random).
std::string chosen_password(const std::string &given, bool from_stdin) {
    if (from_stdin) {
        if (!given.empty()) throw UsageError("give --password or --password-stdin, not both");
        std::string line;
        std::getline(std::cin, line);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty())
            throw UsageError("--password-stdin found no password on the first line of stdin",
                             "pipe it in, e.g. `printf '%s\\n' \"$PASS\" | dspace create NAME --flavour F --password-stdin`");
        return line;
    }
    if (!given.empty()) return given;
    const char *env = std::getenv("DSPACE_PASSWORD");
    return env ? env : "";
}

int run_create(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace create NAME --flavour " + loaded_names_text(context, "flavour") + " [--version V] [--port N] [options]\n"
                 "       dspace create NAME --from PATH [--format pgdata|tar|dump] [--move] [options]";
    spec.description =
        "Creates a space: a private database server on its own port, listening on 127.0.0.1. It is initialised from a\n"
        "cached template cluster, started, and ready when this returns; the connection URL is printed without the\n"
        "password (`dspace env NAME` shows it). Without --port a free port is picked and kept for the life\n"
        "of the space. The password is random unless given: --password-stdin reads it from the first line of\n"
        "stdin, else DSPACE_PASSWORD in the environment is used; --password PASS also works but is visible to every\n"
        "user in `ps` while dspace runs. --set writes server settings; --ttl and --idle-stop make the space end by\n"
        "itself (a background watcher enforces them).\n"
        "--from PATH adopts data made elsewhere (or by `dspace export`): a PostgreSQL data directory or MariaDB datadir\n"
        "(stopped; copied, or moved with --move), a tar of one, or a dump (loaded as `dspace import` does); a tar or\n"
        "dump may also be an object, s3://bucket/path/FILE (downloaded first; S3 settings as for remotes). The format\n"
        "is read from the content unless --format is given; the flavour and version come from the data, and the\n"
        "server version must be installed. The space gets its own user and random password; it opens the database\n"
        "--initial-database names, else the exported space's, else `postgres` (PostgreSQL) or the only database.";
    CreateOptions options;
    std::string from_snapshot, from_path, format, ttl, idle_stop;
    std::vector<std::string> settings;
    spec.options.add_options()
        ("name", po::value(&options.name)->required(), "the space's name")
        ("flavour,f", po::value(&options.flavour), ("database engine, one of the loaded flavours: " + loaded_names_text(context, "flavour", ", ") + " (mariadb: mysql)").c_str())
        ("from-snapshot", po::value(&from_snapshot), "SPACE/SNAP: start from that snapshot's data, with its flavour, version and credentials")
        ("from", po::value(&from_path), "PATH or s3://bucket/path/FILE: adopt a data directory, a tar of one, or a dump (see above)")
        ("format", po::value(&format), "with --from: pgdata, tar or dump (default: read from the content)")
        ("move", po::bool_switch(), "with --from: delete the data directory or tar once the space runs")
        ("version", po::value(&options.version), "server version (default: the newest installed)")
        ("port,p", po::value(&options.port), "TCP port (default: a free one)")
        ("expose-port", po::value(&options.port), "same as --port")
        ("initial-database", po::value(&options.database), "the database to create (default: the space's name)")
        ("user", po::value(&options.user), "the database user to create (default: dspace)")
        ("password", po::value(&options.password), "its password (visible in `ps`: prefer --password-stdin or DSPACE_PASSWORD)")
        ("password-stdin", po::bool_switch(), "read the password from the first line of stdin (default: DSPACE_PASSWORD, else random)")
        ("listen", po::value(&options.listen_address), "address to listen on (default: 127.0.0.1)")
        ("set", po::value(&settings), "KEY=VALUE: a server setting (repeatable); see `dspace set --help`")
        ("ttl", po::value(&ttl), "remove the space this long after creation, e.g. 30m, 2h, 7d")
        ("idle-stop", po::value(&idle_stop), "stop the space after this long with no client connected, e.g. 10m");
    spec.positional.add("name", 1);
    po::variables_map vm;
    if (!parse_verb("create", spec, args, vm)) return exit_ok;
    options.settings = parse_settings(settings);
    if (vm.count("ttl")) options.ttl_seconds = parse_duration(ttl, "--ttl");
    if (vm.count("idle-stop")) options.idle_stop_seconds = parse_duration(idle_stop, "--idle-stop");
    if (vm.count("port") && vm.count("expose-port")) throw UsageError("give --port or --expose-port, not both");
    options.password = chosen_password(options.password, vm["password-stdin"].as<bool>());
    if (!from_path.empty() && !from_snapshot.empty()) throw UsageError("give --from or --from-snapshot, not both");
    if (from_path.empty() && (vm.count("format") || vm["move"].as<bool>()))
        throw UsageError("--format and --move go with --from PATH", "e.g. dspace create app --from /srv/pgdata --move");
    if (options.flavour.empty() && from_snapshot.empty() && from_path.empty())
        throw UsageError("missing --flavour; usage: " + spec.usage, "run `dspace create --help` for its options");
    if (!from_snapshot.empty())
        for (const char *taken_from_snapshot : {"initial-database", "user", "password"})
            if (vm.count(taken_from_snapshot))
                throw UsageError(std::string("--") + taken_from_snapshot + " cannot be used with --from-snapshot",
                                 "a space made from a snapshot keeps the snapshot's database, user and password; leave it out");
    if (!options.flavour.empty()) options.flavour = context.plugins().flavour(options.flavour).name(); // "mariadb" is "mysql"
    SpaceManager spaces = open_spaces(context);
    SpaceState state;
    if (!from_path.empty()) {
        AdoptOptions adopt{options, from_path, std::nullopt, vm["move"].as<bool>()};
        if (vm.count("format")) adopt.format = parse_data_format(format);
        SnapshotService snapshots(context.host(), context.plugins(), spaces);
        state = adopt_space(context.host(), context.plugins(), spaces, snapshots, adopt).space;
    } else {
        state = from_snapshot.empty() ? spaces.create(options) : create_from_snapshot(context, spaces, options, from_snapshot);
    }
    keep_expiry(context, spaces);
    std::cout << "created space '" << state.name << "' (" << state.flavour << " " << state.version << ") on port " << state.port
              << "\n" << spaces.display_url(state) << "\n";
    if (has_expiry(state)) std::cout << "expires: " << expiry_text(state) << "\n";
    return exit_ok;
}

int run_list(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace list [--json | --names]";
    spec.description = "Lists the spaces with their status (running, paused or stopped), port, data size and expiry.";
    spec.options.add_options()
        ("json", "print a JSON array of objects: name, flavour, version, status, port, pid, data_dir, size_bytes, created,\n"
                 "expires, idle_stop_seconds, settings; a space whose state file is damaged has only name, status \"damaged\" and error")
        ("names", "print only the names, one a line (for shell completion)");
    po::variables_map vm;
    if (!parse_verb("list", spec, args, vm)) return exit_ok;
    SpaceManager spaces = open_spaces(context, Access::read_only);
    auto all = spaces.entries();
    if (vm.count("names")) {
        for (const auto &entry : all) std::cout << entry.name << "\n";
        return exit_ok;
    }
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
              << "STATUS" << std::setw(7) << "PORT" << std::setw(11) << "SIZE" << std::setw(22) << "CREATED" << "EXPIRES\n";
    bool any_damaged = false;
    for (const auto &entry : all) {
        if (!entry.state) {
            std::cout << std::setw(20) << printable(entry.name) << std::setw(10) << "-" << std::setw(9) << "-" << std::setw(9) << "damaged"
                      << entry.damage << "\n";
            any_damaged = true;
            continue;
        }
        const SpaceState &s = *entry.state;
        std::cout << std::setw(20) << s.name << std::setw(10) << s.flavour << std::setw(9) << s.version << std::setw(9)
                  << to_string(spaces.status(s)) << std::setw(7) << s.port << std::setw(11)
                  << human_size(fs::tree_size(spaces.data_dir(s.name))) << std::setw(22) << s.created << expiry_text(s) << "\n";
    }
    if (any_damaged) std::cerr << "hint: a damaged space can be removed with `dspace rm --force NAME`\n";
    return exit_ok;
}

int run_status(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace status NAME [--json]";
    spec.description = "Shows one space: status, port, pid, data directory, size, expiry, its own server settings and its\n"
                       "connection URL (password masked).";
    std::string name;
    spec.options.add_options()("name", po::value(&name)->required(), "the space")("json", "print one JSON object (keys as in `dspace list --json`)");
    spec.positional.add("name", 1);
    po::variables_map vm;
    if (!parse_verb("status", spec, args, vm)) return exit_ok;
    SpaceManager spaces = open_spaces(context, Access::read_only);
    SpaceState s = spaces.load(name);
    if (auto interrupted = interrupted_migration(context.paths(), name))
        std::cerr << "warning: " << interrupted_migration_notice(name, *interrupted) << "\n";
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
              << "expires:  " << expiry_text(s) << "\n"
              << "settings: " << settings_text(s) << "\n"
              << "url:      " << spaces.display_url(s) << "\n";
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
            print_error(e);
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
    int result = for_each_space(spaces, names, [&](const std::string &name) {
        snapshots.recover_snapshot_leftovers(name); // e.g. finish a rollback a crash interrupted before starting on its data
        if (verb == "start") spaces.start(name);
        else if (verb == "stop") spaces.stop(name, vm.count("immediate") > 0);
        else if (verb == "pause") spaces.pause(name);
        else spaces.resume(name);
        std::cout << verb << (verb == "stop" ? "ped" : verb.back() == 'e' ? "d" : "ed") << " " << name << "\n";
    });
    if (verb == "start") keep_expiry(context, spaces); // a space with --idle-stop is watched again
    return result;
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

//! Throws Error listing every name that rm cannot remove (not a valid name, no such space, damaged without
//! --force), so that nothing is removed when any name is wrong.
void check_removable(SpaceManager &spaces, const std::vector<std::string> &names, bool force) {
    std::string problems;
    bool usage = false; // an invalid name stays a usage error (exit 2)
    for (const auto &name : names) {
        try {
            validate_name(name, "space");
            std::error_code ec;
            bool damaged_but_present = force && std::filesystem::is_directory(spaces.space_dir(name), ec);
            if (!damaged_but_present) spaces.load(name);
        } catch (const Error &e) {
            problems += (problems.empty() ? "" : "; ") + std::string(e.what());
            usage = usage || e.exit_code() == exit_usage;
        }
    }
    if (problems.empty()) return;
    std::string hint = "`dspace list` shows the spaces; --force also removes damaged ones";
    if (usage) throw UsageError(problems + "; nothing was removed", hint);
    throw Error(problems + "; nothing was removed", hint);
}

//! On a terminal, asks whether to remove names; true when the answer is yes. Elsewhere true without asking.
bool confirm_remove_all(const std::vector<std::string> &names) {
    if (!::isatty(STDIN_FILENO) || !::isatty(STDERR_FILENO)) return true;
    std::string list;
    for (const auto &name : names) list += (list.empty() ? "" : ", ") + name;
    std::cerr << "remove " << names.size() << " space" << (names.size() == 1 ? "" : "s") << " (" << printable(list)
              << ") and their data? [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "y" || answer == "Y" || answer == "yes";
}

int run_rm(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace rm NAME... | --all  [--force] [--yes] [--purge]";
    spec.description =
        "Stops spaces and deletes them with their data directories. Their snapshots stay unless --purge is given.\n"
        "Every name is checked first: when one is wrong, nothing is removed. On a terminal, --all asks first\n"
        "unless --yes or --force is given. --force stops the server immediately and also removes a space whose\n"
        "state is damaged.";
    std::vector<std::string> names;
    spec.options.add_options()
        ("names", po::value(&names)->multitoken(), "the spaces")
        ("all", "remove every space")
        ("yes,y", "do not ask before removing every space")
        ("force", "stop immediately; remove damaged spaces too; do not ask")
        ("purge", "also delete the spaces' snapshots (with --all: every snapshot, also of spaces removed before)");
    spec.positional.add("names", -1);
    po::variables_map vm;
    if (!parse_verb("rm", spec, args, vm)) return exit_ok;
    bool all = vm.count("all") > 0;
    if (all == !names.empty()) throw UsageError("dspace rm takes space names or --all", "run `dspace rm --help`");
    SpaceManager spaces = open_spaces(context);
    bool force = vm.count("force") > 0, purge = vm.count("purge") > 0;
    if (all) {
        names = spaces.names();
        if (names.empty() && !purge) {
            std::cout << "no spaces to remove\n";
            return exit_ok;
        }
        if (!names.empty() && !force && !vm.count("yes") && !confirm_remove_all(names)) {
            std::cerr << "nothing removed\n";
            return exit_failed;
        }
    } else {
        std::vector<std::string> unique;
        for (const auto &name : names)
            if (std::find(unique.begin(), unique.end(), name) == unique.end()) unique.push_back(name);
        names = unique;
        check_removable(spaces, names, force);
    }
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
