// `dspace push` and `dspace pull`: snapshots shared through remotes (the logic is the core's TransferService).
#include "../command.hpp"
#include "snapshot_services.hpp"

#include <dspace/core/error.hpp>
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

//! bytes as "12.3 MiB".
std::string mebibytes(std::uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
    return text;
}

int run_push(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace push NAME SNAP [--to REMOTE]";
    spec.description = "Sends snapshot SNAP of space NAME to a remote (`dspace remote add`), only the blocks it does not hold yet.\n"
                       "The snapshot appears there only once complete; a push that was interrupted resumes where it stopped.\n"
                       "Only snapshots of the blocks snapshotter (the default) can be pushed.";
    std::string space, snap, to;
    spec.options.add_options()("space", po::value(&space)->required(), "the space")("snap", po::value(&snap)->required(),
                                                                                      "the snapshot")(
        "to", po::value(&to), "the remote (default: config storage.default_remote)");
    spec.positional.add("space", 1).add("snap", 1);
    po::variables_map vm;
    if (!parse_verb("push", spec, args, vm)) return exit_ok;
    Remote remote = find_remote(context.config(), to);
    SnapshotServices services(context, Access::read_only);
    TransferService transfer(context.host(), context.plugins(), services.spaces, services.snapshots);
    PushResult result = transfer.push(space, snap, remote);
    if (result.already_there)
        std::cout << "remote '" << remote.name << "' already has snapshot " << space << "/" << snap << "\n";
    else
        std::cout << "pushed " << space << "/" << snap << " to '" << remote.name << "': " << result.blocks_sent << " of " << result.blocks
                  << " blocks sent, " << mebibytes(result.bytes_sent) << "\n";
    return exit_ok;
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
              << result.blocks_fetched << " of " << result.blocks << " blocks fetched, " << mebibytes(result.bytes_fetched) << "\n";
    return exit_ok;
}

} // namespace

void add_transfer_commands(std::vector<Command> &table) {
    table.push_back({"push", "send a snapshot to a remote (only the blocks it lacks)", run_push});
    table.push_back({"pull", "fetch a snapshot from a remote as a local snapshot", run_pull});
}

} // namespace dspace::cli
