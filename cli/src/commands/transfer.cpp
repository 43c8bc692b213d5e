// `dspace push` and `dspace pull`: snapshots shared through remotes (the logic is the core's TransferService).
#include "../command.hpp"
#include "../output.hpp"
#include "background_push.hpp"
#include "snapshot_services.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/expiry.hpp>
#include <dspace/core/remotes.hpp>
#include <dspace/core/transfer.hpp>

#include <iostream>
#include <utility>

namespace dspace::cli {

namespace {

//! SPACE/SNAP split in two; throws UsageError naming the argument (what) otherwise.
std::pair<std::string, std::string> split_snapshot_ref(const std::string &ref, const std::string &what) {
    auto slash = ref.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == ref.size() || ref.find('/', slash + 1) != std::string::npos)
        throw UsageError(what + " takes SPACE/SNAP, not '" + ref + "'", "e.g. `dspace pull team app/before-migration`");
    return {ref.substr(0, slash), ref.substr(slash + 1)};
}

//! `dspace push --status`: the background pushes, queued, running, failed and recently done.
int push_status(Context &context, bool json) {
    auto records = PushQueue(context.host().paths().home()).list();
    if (json) {
        print_json_array(records, [&](JsonWriter &w, const PushRecord &r) {
            json_field(w, "id", r.id);
            json_field(w, "space", r.space);
            json_field(w, "snapshot", r.snap);
            json_field(w, "remote", r.remote.name);
            json_field(w, "state", r.state);
            w.Key("bytes_sent");
            w.Uint64(r.bytes_sent);
            w.Key("bytes_left");
            w.Uint64(r.bytes_left);
            json_field(w, "error", r.error);
            json_field(w, "hint", r.hint);
            json_field(w, "updated", utc_time(r.updated));
        });
        return exit_ok;
    }
    if (records.empty()) {
        std::cout << "no background pushes\n";
        return exit_ok;
    }
    std::vector<std::vector<std::string>> rows{{"SNAPSHOT", "REMOTE", "STATE", "SENT", "LEFT"}};
    for (const auto &r : records)
        rows.push_back({r.space + "/" + r.snap, r.remote.name, r.state, human_size(r.bytes_sent), r.state == "done" ? "" : human_size(r.bytes_left)});
    print_table(rows);
    for (const auto &r : records)
        if (r.state == "failed") std::cout << r.space << "/" << r.snap << " failed: " << r.error << (r.hint.empty() ? "" : " (" + r.hint + ")") << "\n";
    return exit_ok;
}

int run_push(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace push NAME SNAP [--to REMOTE] [--background]\n       dspace push --status [--json]";
    spec.description = "Sends snapshot SNAP of space NAME to a remote (`dspace remote add`), only the blocks it does not hold yet.\n"
                       "The snapshot appears there only once complete; a push that was interrupted resumes where it stopped.\n"
                       "Only snapshots of the blocks snapshotter (the default) can be pushed. --background returns at once and\n"
                       "pushes in a detached process; --status lists those pushes (queued, running, failed, done) and their bytes.\n"
                       "A push holds a lock at the remote while it runs and refuses to start while `dspace remote gc` runs there.";
    std::string space, snap, to;
    spec.options.add_options()("space", po::value(&space), "the space")("snap", po::value(&snap), "the snapshot")(
        "to", po::value(&to), "the remote (default: config storage.default_remote)")("background", "push in a detached process, return at once")(
        "status", "list the background pushes")(
        "json", "with --status: print a JSON array [{id, space, snapshot, remote, state, bytes_sent, bytes_left, error, hint, updated}]");
    spec.positional.add("space", 1).add("snap", 1);
    po::variables_map vm;
    if (!parse_verb("push", spec, args, vm)) return exit_ok;
    if (vm.count("status")) {
        if (!space.empty() || vm.count("background") || vm.count("to")) throw UsageError("--status takes no snapshot", "run `dspace push --status`");
        return push_status(context, vm.count("json") > 0);
    }
    if (space.empty() || snap.empty()) throw UsageError("push needs NAME and SNAP", "usage: dspace push NAME SNAP [--to REMOTE]");
    Remote remote = find_remote(context.config(), to);
    SnapshotServices services(context, Access::read_only);
    if (vm.count("background")) {
        services.snapshots.store().read(space, snap); // a missing snapshot is reported now, not in the background
        start_background_push(context, space, snap, remote);
        return exit_ok;
    }
    TransferService transfer(context.host(), context.plugins(), services.spaces, services.snapshots);
    PushResult result = transfer.push(space, snap, remote);
    if (result.already_there)
        std::cout << "remote '" << remote.name << "' already has snapshot " << space << "/" << snap << "\n";
    else
        std::cout << "pushed " << space << "/" << snap << " to '" << remote.name << "': " << result.blocks_sent << " of " << result.blocks
                  << " blocks sent, " << human_size(result.bytes_sent) << "\n";
    return exit_ok;
}

//! The hidden verb a background push's worker runs: exit 0 when the push succeeded.
int run_push_worker(Context &context, const std::vector<std::string> &args) {
    if (args.size() != 1) throw UsageError("usage: dspace _push ID (started by dspace itself)");
    SnapshotServices services(context, Access::read_only);
    TransferService transfer(context.host(), context.plugins(), services.spaces, services.snapshots);
    return PushQueue(context.host().paths().home()).run(args.front(), transfer) ? exit_ok : exit_failed;
}

int run_pull(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace pull REMOTE NAME/SNAP [--as NAME/SNAP]";
    spec.description = "Makes snapshot NAME/SNAP of a remote a local snapshot (the same name unless --as), fetching only the blocks\n"
                       "missing here and checking every one against its SHA-256 first: a damaged remote leaves nothing behind.\n"
                       "Restore it with `dspace create NEW --from-snapshot NAME/SNAP` or `dspace rollback`.";
    std::string remote_name, ref, as;
    spec.options.add_options()("remote", po::value(&remote_name)->required(), "the remote")(
        "snapshot", po::value(&ref)->required(), "NAME/SNAP on the remote (`dspace snapshot ls --remote REMOTE`)")(
        "as", po::value(&as), "NAME/SNAP: the local snapshot's space and name");
    spec.positional.add("remote", 1).add("snapshot", 1);
    po::variables_map vm;
    if (!parse_verb("pull", spec, args, vm)) return exit_ok;
    auto [space, snap] = split_snapshot_ref(ref, "pull");
    std::pair<std::string, std::string> target;
    if (!as.empty()) target = split_snapshot_ref(as, "--as");
    Remote remote = find_remote(context.config(), remote_name);
    SnapshotServices services(context);
    TransferService transfer(context.host(), context.plugins(), services.spaces, services.snapshots);
    PullResult result = transfer.pull(remote, space, snap, target.first, target.second);
    std::cout << "pulled " << space << "/" << snap << " from '" << remote.name << "' as " << result.space << "/" << result.name << ": "
              << result.blocks_fetched << " of " << result.blocks << " blocks fetched, " << human_size(result.bytes_fetched) << "\n";
    return exit_ok;
}

} // namespace

void add_transfer_commands(std::vector<Command> &table) {
    table.push_back({"push", "send a snapshot to a remote (only the blocks it lacks)", run_push});
    table.push_back({"pull", "fetch a snapshot from a remote as a local snapshot", run_pull});
    table.push_back({push_worker_verb, "", run_push_worker});
}

} // namespace dspace::cli
