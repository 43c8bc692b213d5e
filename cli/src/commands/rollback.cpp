// `dspace rollback NAME --to SNAP` (and the hidden verb of its warm spare's refresh) and `dspace copy NAME NEWNAME [--snapshot SNAP]`.
#include "../command.hpp"
#include "self_invocation.hpp"
#include "snapshot_services.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/process.hpp>

#include <iostream>

namespace dspace::cli {

namespace {

//! The verb a warm spare's background refresh runs; hidden from `dspace --help`.
const char *const spare_verb = "_spare";

int run_rollback(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace rollback NAME --to SNAP";
    spec.description = "Replaces the data of space NAME by that of its snapshot SNAP. The space keeps its name, port and\n"
                       "credentials and runs afterwards if it ran before; open connections are dropped. Snapshots by blocks\n"
                       "(the default) are checked first, then only the blocks that differ are rewritten in place under a journal:\n"
                       "if dspace is interrupted, the next command on the space finishes the rollback.\n"
                       "Blocks keeps a warm spare (setting snapshotters.blocks.warm_spare: auto, on or off): after a rollback, a\n"
                       "background process prepares a copy of the snapshot beside the space, so that the next rollback to it\n"
                       "swaps directories instead of rewriting blocks. auto, the default, keeps one only where the file system\n"
                       "shares blocks between files (XFS, btrfs), where it costs little disk; on keeps one everywhere, at the\n"
                       "cost of as much disk again as the space's data; off keeps none.";
    std::string space, snap;
    spec.options.add_options()("space", po::value(&space)->required(), "the space")(
        "to", po::value(&snap)->required(), "the snapshot to go back to");
    spec.positional.add("space", 1);
    po::variables_map vm;
    if (!parse_verb("rollback", spec, args, vm)) return exit_ok;
    SnapshotServices services(context);
    bool spare = services.snapshots.rollback(space, snap);
    std::cout << "space " << space << " rolled back to snapshot " << snap << "\n";
    if (spare) {
        std::vector<std::string> argv = self_invocation(context, spare_verb);
        argv.insert(argv.end(), {space, snap});
        spawn_background(argv.front(), std::vector<std::string>(argv.begin() + 1, argv.end()));
    }
    return exit_ok;
}

//! The hidden verb the background refresh of a warm spare runs.
int run_refresh_spare(Context &context, const std::vector<std::string> &args) {
    if (args.size() != 2) throw UsageError(std::string("usage: dspace ") + spare_verb + " NAME SNAP (started by dspace itself)");
    SnapshotServices services(context, Access::read_only); // a home removed meanwhile is not made again
    services.snapshots.refresh_spare(args[0], args[1]);
    return exit_ok;
}

int run_copy(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace copy NAME NEWNAME [--snapshot SNAP]";
    spec.description = "Creates space NEWNAME, an independent copy of space NAME on its own port: of its current data\n"
                       "(a running space is stopped cleanly for the copy and started again), or of its snapshot SNAP.";
    std::string space, new_name, snap;
    spec.options.add_options()("space", po::value(&space)->required(), "the space to copy")(
        "new-name", po::value(&new_name)->required(), "the new space's name")("snapshot", po::value(&snap), "copy this snapshot instead");
    spec.positional.add("space", 1).add("new-name", 1);
    po::variables_map vm;
    if (!parse_verb("copy", spec, args, vm)) return exit_ok;
    SnapshotServices services(context);
    SpaceState created = services.snapshots.copy_space(space, new_name, snap);
    std::cout << "space " << created.name << " created from " << space << (snap.empty() ? "" : "/" + snap) << " on port "
              << created.port << "\n";
    return exit_ok;
}

} // namespace

void add_rollback_commands(std::vector<Command> &table) {
    table.push_back({"rollback", "replace a space's data by one of its snapshots", run_rollback});
    table.push_back({"copy", "create a new space from a space's data or snapshot", run_copy});
    table.push_back({spare_verb, "", run_refresh_spare});
}

} // namespace dspace::cli
