// `dspace export NAME SNAP --format pgdata|tar|dump --to PATH`: a snapshot written out for use outside dspace.
#include "../command.hpp"
#include "snapshot_services.hpp"

#include <dspace/core/export.hpp>

#include <iostream>

namespace dspace::cli {

namespace {

int run_export(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace export NAME SNAP --to PATH [--format pgdata|tar|dump]";
    spec.description =
        "Writes snapshot SNAP of space NAME to PATH (a new path, or file:///path), for use outside dspace or for\n"
        "`dspace create NEW --from PATH`. The snapshot is restored into a temporary private space first (removed\n"
        "afterwards), so any snapshot works, whatever its snapshotter:\n"
        "  pgdata  a data directory the server starts on (PostgreSQL: PGDATA; MariaDB: its datadir), stopped cleanly,\n"
        "          owned by the server's user, mode 0700\n"
        "  tar     that directory as one tar file (PostgreSQL: like pg_basebackup's base.tar)\n"
        "  dump    a logical dump (pg_dump custom format; mariadb-dump SQL), the same as `dspace dump` writes\n"
        "The output appears only when complete; PATH is never overwritten. --to also takes s3://bucket/path/FILE or\n"
        "the name of a remote (`dspace remote ls`; the object is then NAME-SNAP.tar or .dump): tar and dump only.";
    ExportOptions options;
    std::string format = "pgdata";
    spec.options.add_options()
        ("space", po::value(&options.space)->required(), "the snapshot's space")
        ("snap", po::value(&options.snapshot)->required(), "the snapshot")
        ("to", po::value(&options.to)->required(), "where to write: a new path, file:///path, s3://bucket/path/FILE or a remote's name")
        ("format", po::value(&format), "pgdata (default), tar or dump");
    spec.positional.add("space", 1).add("snap", 1);
    po::variables_map vm;
    if (!parse_verb("export", spec, args, vm)) return exit_ok;
    options.format = parse_data_format(format);
    SnapshotServices services(context);
    ExportResult result = export_snapshot(context.host(), context.plugins(), services.spaces, services.snapshots, options);
    std::cout << "exported " << options.space << "/" << options.snapshot << " (" << result.flavour << " " << result.version << ") as "
              << to_string(options.format) << " to " << result.location << "\n";
    if (result.location.front() == '/') std::cout << "`dspace create NEW --from " << result.location << "` makes a space of it\n";
    return exit_ok;
}

} // namespace

void add_export_commands(std::vector<Command> &table) {
    table.push_back({"export", "write a snapshot out as a data directory, a tar or a dump", run_export});
}

} // namespace dspace::cli
