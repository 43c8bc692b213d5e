// `dspace snapshot NAME SNAP` and its sub-verbs ls, inspect, rm, cp, verify.
#include "../command.hpp"
#include "../output.hpp"
#include "../plugin_names.hpp"
#include "background_push.hpp"
#include "snapshot_services.hpp"

#include <dspace/core/duration.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/names.hpp>
#include <dspace/core/remotes.hpp>
#include <dspace/core/suggest.hpp>
#include <dspace/core/transfer.hpp>

#include <iostream>
#include <map>
#include <optional>

namespace dspace::cli {

namespace {

//! A snapshot with what it occupies in a shared store (when its snapshotter has one).
struct Listed {
    SnapshotManifest manifest;              //!< the snapshot
    std::optional<sdk::StoreUsage> usage;   //!< own and shared stored bytes
};

//! The byte count as text, or "-" when unknown.
std::string bytes_or_dash(const std::optional<sdk::StoreUsage> &usage, bool own) {
    if (!usage) return "-";
    return std::to_string(own ? usage->own_bytes : usage->shared_bytes);
}

//! The byte count as JSON, or null when unknown.
std::string bytes_or_null(const std::optional<sdk::StoreUsage> &usage, bool own) {
    return usage ? bytes_or_dash(usage, own) : "null";
}

//! Writes own_bytes and shared_bytes (null when the snapshotter shares no store).
void write_usage(JsonWriter &w, const std::optional<sdk::StoreUsage> &usage) {
    w.Key("own_bytes");
    if (usage) w.Uint64(usage->own_bytes);
    else w.Null();
    w.Key("shared_bytes");
    if (usage) w.Uint64(usage->shared_bytes);
    else w.Null();
}

//! Writes the fields `snapshot ls --json` lists (orphan: its space no longer exists; not written when unknown).
void write_summary(JsonWriter &w, const SnapshotManifest &m, std::optional<bool> orphan) {
    json_field(w, "space", m.space);
    json_field(w, "source_space", m.source_space);
    if (orphan) {
        w.Key("orphan");
        w.Bool(*orphan);
    }
    json_field(w, "name", m.name);
    json_field(w, "snapshotter", m.snapshotter);
    json_field(w, "created", m.created);
    w.Key("size_bytes");
    w.Uint64(m.size_bytes);
    json_field(w, "parent", m.parent);
    json_field(w, "flavour", m.flavour);
    json_field(w, "server_version", m.server_version);
    json_field(w, "message", m.message);
    json_field(w, "migration_tool", m.migration_tool);
    json_field(w, "migration_head", m.migration_head);
}

int snapshot_take(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace snapshot NAME SNAP [--snapshotter " + loaded_names_text(context, "snapshotter") +
                 "] [--online] [-m MESSAGE] [--force] [--push [--to REMOTE]]\n"
                 "       dspace snapshot ls|inspect|rm|cp|prune|verify|gc ... (see `dspace snapshot ls --help` ...)";
    spec.description = "Takes snapshot SNAP of space NAME. A running space is stopped cleanly, copied and started again\n"
                       "(--online: frozen instead, crash-consistent); logical snapshotters dump the running server.";
    SnapshotOptions options;
    spec.options.add_options()
        ("space", po::value(&options.space)->required(), "the space")
        ("snap", po::value(&options.name)->required(), "the snapshot's name")
        ("snapshotter", po::value(&options.snapshotter), ("one of the loaded snapshotters: " + loaded_names_text(context, "snapshotter", ", ") +
                                                      " (default: config snapshots.default_snapshotter, else blocks)").c_str())
        ("online", po::bool_switch(&options.online), "freeze the running server instead of stopping it")
        ("message,m", po::value(&options.message), "a note kept with the snapshot")
        ("force", po::bool_switch(&options.force), "replace an existing snapshot of that name")
        ("push", "then push it in the background (`dspace push --background`; `dspace push --status` shows it)")
        ("to", po::value<std::string>(), "the remote to push to (default: config storage.default_remote)");
    spec.positional.add("space", 1).add("snap", 1);
    po::variables_map vm;
    if (!parse_verb("snapshot", spec, args, vm)) return exit_ok;
    if (vm.count("to") && !vm.count("push")) throw UsageError("--to goes with --push", "add --push, or use `dspace push NAME SNAP --to REMOTE`");
    std::optional<Remote> remote; // found before the snapshot is taken: a missing remote is reported first
    if (vm.count("push")) remote = find_remote(context.config(), vm.count("to") ? vm["to"].as<std::string>() : "");
    SnapshotServices services(context);
    SnapshotManifest m = services.snapshots.take(options);
    std::cout << "snapshot " << m.space << "/" << m.name << " taken (" << m.snapshotter << ", " << m.size_bytes << " bytes)\n";
    if (remote) start_background_push(context, m.space, m.name, *remote);
    return exit_ok;
}

//! `dspace snapshot ls --remote REMOTE [NAME]`.
int list_remote(Context &context, SnapshotServices &services, const std::string &remote, const std::string &space, bool json) {
    TransferService transfer(context.host(), context.plugins(), services.spaces, services.snapshots);
    std::vector<SnapshotManifest> snapshots;
    for (auto &m : transfer.list_remote(find_remote(context.config(), remote)))
        if (space.empty() || m.space == space) snapshots.push_back(std::move(m));
    if (json) {
        print_json_array(snapshots, [&](JsonWriter &w, const SnapshotManifest &m) { write_summary(w, m, std::nullopt); });
        return exit_ok;
    }
    std::vector<std::vector<std::string>> rows{{"SPACE", "NAME", "SNAPSHOTTER", "CREATED", "SIZE", "FLAVOUR", "PARENT", "MESSAGE"}};
    for (const auto &m : snapshots)
        rows.push_back({m.space, m.name, m.snapshotter, m.created, std::to_string(m.size_bytes), m.flavour + " " + m.server_version, m.parent,
                        m.message});
    print_table(rows);
    return exit_ok;
}

int snapshot_ls(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace snapshot ls [NAME] [--orphans] [--json]\n       dspace snapshot ls --remote REMOTE [NAME] [--json]";
    spec.description = "Lists the complete snapshots of space NAME (of every space when omitted), oldest first.\n"
                       "Snapshots of removed spaces are marked (removed); they restore into any space of their flavour\n"
                       "(`dspace create NEW --from-snapshot SPACE/SNAP`) until `dspace snapshot prune --orphans`.\n"
                       "--remote lists the complete snapshots pushed to a remote instead (`dspace pull` fetches one).";
    std::string space, remote;
    spec.options.add_options()("space", po::value(&space), "the space")(
        "orphans", "only snapshots of removed spaces")(
        "remote", po::value(&remote), "list the snapshots of this remote (JSON: without orphan, own_bytes, shared_bytes)")(
        "json", "print a JSON array of {space, source_space, orphan, name, snapshotter, created, size_bytes, parent, flavour,\n"
                "server_version, message, migration_tool, migration_head, own_bytes, shared_bytes} (the last two: stored bytes\n"
                "only this snapshot uses / it shares with others; null for snapshotters without a shared store)");
    spec.positional.add("space", 1);
    po::variables_map vm;
    if (!parse_verb("snapshot ls", spec, args, vm)) return exit_ok;
    SnapshotServices services(context, Access::read_only);
    if (vm.count("remote")) return list_remote(context, services, remote, space, vm.count("json") > 0);
    std::vector<Listed> snapshots;
    for (auto &m : services.snapshots.store().list(space))
        if (!vm.count("orphans") || services.snapshots.is_orphan(m)) snapshots.push_back({m, services.snapshots.usage(m)});
    if (vm.count("json")) {
        print_json_array(snapshots, [&](JsonWriter &w, const Listed &l) {
            write_summary(w, l.manifest, services.snapshots.is_orphan(l.manifest));
            write_usage(w, l.usage);
        });
        return exit_ok;
    }
    std::vector<std::vector<std::string>> rows{
        {"SPACE", "NAME", "SNAPSHOTTER", "CREATED", "SIZE", "OWN", "SHARED", "PARENT", "MIGRATION HEAD", "MESSAGE"}};
    for (const auto &[m, usage] : snapshots)
        rows.push_back({m.space + (services.snapshots.is_orphan(m) ? " (removed)" : ""), m.name, m.snapshotter, m.created,
                        std::to_string(m.size_bytes), bytes_or_dash(usage, true), bytes_or_dash(usage, false), m.parent,
                        m.migration_head.empty() ? "-" : m.migration_head, m.message});
    print_table(rows);
    return exit_ok;
}

int snapshot_inspect(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace snapshot inspect NAME SNAP [--json]";
    spec.description = "Shows the manifest of snapshot SNAP of space NAME, with its files and their checksums, and for snapshotters\n"
                       "with a shared store (blocks) the stored bytes only it uses (own_bytes) and those it shares (shared_bytes).";
    std::string space, snap;
    spec.options.add_options()("space", po::value(&space)->required(), "the space")(
        "snap", po::value(&snap)->required(), "the snapshot")("json", "print the manifest as JSON");
    spec.positional.add("space", 1).add("snap", 1);
    po::variables_map vm;
    if (!parse_verb("snapshot inspect", spec, args, vm)) return exit_ok;
    SnapshotServices services(context, Access::read_only);
    SnapshotManifest m = services.snapshots.store().read(space, snap);
    auto usage = services.snapshots.usage(m);
    if (vm.count("json")) {
        std::string json = manifest_to_json(m); // the manifest, then own_bytes and shared_bytes (null without a shared store)
        std::string body = json.substr(0, json.find_last_of('}'));
        body.erase(body.find_last_not_of(" \n") + 1);
        std::cout << body << ",\n  \"own_bytes\": " << bytes_or_null(usage, true) << ",\n  \"shared_bytes\": " << bytes_or_null(usage, false)
                  << "\n}\n";
        return exit_ok;
    }
    std::vector<std::vector<std::string>> rows{{"space:", m.space},         {"name:", m.name},
                                               {"flavour:", m.flavour},     {"server_version:", m.server_version},
                                               {"snapshotter:", m.snapshotter}, {"method:", m.method},
                                               {"parent:", m.parent},       {"created:", m.created},
                                               {"size_bytes:", std::to_string(m.size_bytes)}, {"message:", m.message},
                                               {"migration_tool:", m.migration_tool}, {"migration_head:", m.migration_head},
                                               {"own_bytes:", bytes_or_dash(usage, true)}, {"shared_bytes:", bytes_or_dash(usage, false)}};
    print_table(rows);
    std::cout << "\n";
    std::vector<std::vector<std::string>> files{{"SIZE", "XXH3_128", "PATH"}};
    for (const auto &f : m.files) files.push_back({std::to_string(f.size), f.xxh3_128, f.path});
    print_table(files);
    return exit_ok;
}

int snapshot_rm(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace snapshot rm NAME SNAP... [--remote REMOTE]";
    spec.description = "Removes snapshots of space NAME. With --remote, removes them from that remote instead (their manifest\n"
                       "first, then their payload); `dspace remote gc REMOTE` then frees the packs no other snapshot uses.";
    std::string space, remote;
    std::vector<std::string> snaps;
    spec.options.add_options()("space", po::value(&space)->required(), "the space")(
        "snap", po::value(&snaps)->required()->multitoken(), "the snapshots")("remote", po::value(&remote), "remove them from this remote");
    spec.positional.add("space", 1).add("snap", -1);
    po::variables_map vm;
    if (!parse_verb("snapshot rm", spec, args, vm)) return exit_ok;
    if (vm.count("remote")) {
        Remote found = find_remote(context.config(), remote);
        SnapshotServices services(context, Access::read_only);
        TransferService transfer(context.host(), context.plugins(), services.spaces, services.snapshots);
        for (const auto &snap : snaps) {
            transfer.remove_remote(found, space, snap);
            std::cout << "snapshot " << space << "/" << snap << " removed from '" << found.name << "'\n";
        }
        return exit_ok;
    }
    SnapshotServices services(context);
    services.snapshots.remove(space, snaps);
    for (const auto &snap : snaps) std::cout << "snapshot " << space << "/" << snap << " removed\n";
    return exit_ok;
}

int snapshot_cp(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace snapshot cp NAME SNAP NEWSNAP [--to-space OTHER]";
    spec.description = "Copies snapshot SNAP of space NAME to NEWSNAP (of space OTHER with --to-space). Files are shared, not duplicated.";
    std::string space, snap, new_snap, to_space;
    spec.options.add_options()("space", po::value(&space)->required(), "the space")(
        "snap", po::value(&snap)->required(), "the snapshot")("new-snap", po::value(&new_snap)->required(), "the copy's name")(
        "to-space", po::value(&to_space), "the space the copy belongs to (default: NAME)");
    spec.positional.add("space", 1).add("snap", 1).add("new-snap", 1);
    po::variables_map vm;
    if (!parse_verb("snapshot cp", spec, args, vm)) return exit_ok;
    SnapshotServices services(context);
    services.snapshots.copy_snapshot(space, snap, new_snap, to_space);
    std::cout << "snapshot " << space << "/" << snap << " copied to " << (to_space.empty() ? space : to_space) << "/" << new_snap << "\n";
    return exit_ok;
}

int snapshot_prune(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace snapshot prune [NAME] [--orphans] [--older-than DURATION] [--json]";
    spec.description = "Removes the snapshots (of space NAME, or of every space) that match every criterion given:\n"
                       "--orphans: of spaces that no longer exist; --older-than: taken longer ago than DURATION (90m, 2h, 7d).";
    PruneOptions options;
    std::string older_than;
    spec.options.add_options()("space", po::value(&options.space), "the space (default: every space)")(
        "orphans", "only snapshots of removed spaces")("older-than", po::value(&older_than), "only snapshots older than this")(
        "json", "print a JSON array of the removed snapshots {space, name, size_bytes}");
    spec.positional.add("space", 1);
    po::variables_map vm;
    if (!parse_verb("snapshot prune", spec, args, vm)) return exit_ok;
    options.orphans = vm.count("orphans") > 0;
    if (!older_than.empty()) options.older_than = parse_duration(older_than);
    SnapshotServices services(context);
    auto removed = services.snapshots.prune(options);
    if (vm.count("json")) {
        print_json_array(removed, [](JsonWriter &w, const SnapshotManifest &m) {
            json_field(w, "space", m.space);
            json_field(w, "name", m.name);
            w.Key("size_bytes");
            w.Uint64(m.size_bytes);
        });
        return exit_ok;
    }
    std::uint64_t bytes = 0;
    for (const auto &m : removed) {
        std::cout << "removed snapshot " << m.space << "/" << m.name << "\n";
        bytes += m.size_bytes;
    }
    std::cout << removed.size() << " snapshot(s) removed, " << bytes << " bytes of payload\n";
    return exit_ok;
}

int snapshot_verify(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace snapshot verify [NAME] [--repair] [--json]";
    spec.description = "Checks that the snapshot catalogue and the files agree and that every checksum matches; lists partial\n"
                       "and orphaned entries. --repair removes them. Exits 1 when problems are found and not repaired.";
    std::string space;
    spec.options.add_options()("space", po::value(&space), "the space (default: every space)")(
        "repair", "finish or undo interrupted work and remove damaged snapshots")("json", "print a JSON array of {space, name, problem}");
    spec.positional.add("space", 1);
    po::variables_map vm;
    if (!parse_verb("snapshot verify", spec, args, vm)) return exit_ok;
    bool repair = vm.count("repair") > 0;
    SnapshotServices services(context, repair ? Access::changes : Access::read_only);
    auto problems = services.snapshots.verify(space, repair);
    if (vm.count("json")) {
        print_json_array(problems, [](JsonWriter &w, const auto &p) {
            json_field(w, "space", p.space);
            json_field(w, "name", p.name);
            json_field(w, "problem", p.description);
        });
    } else {
        for (const auto &p : problems)
            std::cout << p.space << (p.name.empty() ? "" : "/" + p.name) << ": " << p.description << (repair ? " (removed)" : "") << "\n";
        if (problems.empty()) std::cout << "snapshots OK\n";
    }
    if (problems.empty() || repair) return exit_ok;
    std::cerr << "hint: run `dspace snapshot verify" << (space.empty() ? "" : " " + space) << " --repair` to remove them\n";
    return exit_failed;
}

int snapshot_gc(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace snapshot gc";
    spec.description = "Frees stored blocks that no snapshot uses any more (snapshotters with a shared store, like blocks).\n"
                       "`snapshot rm` does this by itself; gc is for a store left untidy by an interrupted command.";
    po::variables_map vm;
    if (!parse_verb("snapshot gc", spec, args, vm)) return exit_ok;
    SnapshotServices services(context);
    std::uint64_t freed = services.snapshots.collect_garbage();
    std::cout << "freed " << freed << " bytes\n";
    return exit_ok;
}

//! Throws UsageError when word is no space but one typo away from a sub-verb ("snapshot lst").
template <typename SubVerbs>
void reject_mistyped_sub_verb(Context &context, const std::string &word, const SubVerbs &sub_verbs) {
    std::error_code ec;
    if (word.empty() || word[0] == '-') return;
    if (name_problem(word).empty() && std::filesystem::exists(context.paths().spaces_dir() / word, ec)) return;
    std::vector<std::string> names;
    for (const auto &[name, run] : sub_verbs) names.push_back(name);
    std::string guess = did_you_mean(word, names);
    if (!guess.empty())
        throw UsageError("dspace snapshot: no space or sub-verb '" + word + "'; did you mean '" + guess + "'?",
                         "run `dspace snapshot --help`");
}

int run_snapshot(Context &context, const std::vector<std::string> &args) {
    static const std::map<std::string, int (*)(Context &, const std::vector<std::string> &)> sub_verbs{
        {"ls", snapshot_ls},     {"list", snapshot_ls},       {"inspect", snapshot_inspect}, {"rm", snapshot_rm},
        {"cp", snapshot_cp},     {"verify", snapshot_verify}, {"prune", snapshot_prune},    {"gc", snapshot_gc}};
    if (!args.empty()) {
        auto it = sub_verbs.find(args.front());
        if (it != sub_verbs.end()) return it->second(context, std::vector<std::string>(args.begin() + 1, args.end()));
        reject_mistyped_sub_verb(context, args.front(), sub_verbs);
    }
    return snapshot_take(context, args);
}

} // namespace

void add_snapshot_commands(std::vector<Command> &table) {
    table.push_back({"snapshot", "take, list, inspect, copy, remove, prune, verify or collect garbage of snapshots", run_snapshot});
}

} // namespace dspace::cli
