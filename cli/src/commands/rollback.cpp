// `dspace rollback NAME --to SNAP` and `dspace copy NAME NEWNAME [--snapshot SNAP]`.
#include "../command.hpp"
#include "snapshot_services.hpp"

#include <dspace/core/error.hpp>

#include <iostream>

namespace dspace::cli {

namespace {

int run_rollback(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace rollback NAME --to SNAP";
    spec.description = "Replaces the data of space NAME by that of its snapshot SNAP. The space keeps its name, port and\n"
                       "credentials and runs afterwards if it ran before; open connections are dropped. Snapshots by blocks\n"
                       "(the default) are checked first, then only the blocks that differ are rewritten in place under a journal:\n"
                       "if dspace is interrupted, the next command on the space finishes the rollback.";
    std::string space, snap;
    spec.options.add_options()("space", po::value(&space)->required(), "the space")(
        "to", po::value(&snap)->required(), "the snapshot to go back to");
    spec.positional.add("space", 1);
    po::variables_map vm;
    if (!parse_verb("rollback", spec, args, vm)) return exit_ok;
    SnapshotServices services(context);
    services.snapshots.rollback(space, snap);
    std::cout << "space " << space << " rolled back to snapshot " << snap << "\n";
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
}

} // namespace dspace::cli
