// `dspace export`: a snapshot restored into a temporary private space, then written out as a data directory,
// a tar of it, or a logical dump.
#include "../formats/data_dirs.hpp"
#include "../formats/data_label.hpp"
#include "../formats/data_tar.hpp"
#include "../space/internal.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/export.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/interrupt.hpp>
#include <dspace/core/logical_dump.hpp>
#include <dspace/core/names.hpp>

#include <unistd.h>

namespace dspace {

namespace {

constexpr unsigned long long temp_space_ttl = 24 * 3600; //!< a temporary space a killed export left ends by itself

//! The path --to names (a plain path or a file:// URL), checked: it must not exist, its parent must.
std::filesystem::path target_path(const std::string &to) {
    if (to.empty()) throw UsageError("missing --to PATH", "name the directory or file to write, e.g. --to /tmp/app-data");
    std::string path = to;
    if (path.rfind("file://", 0) == 0) path.erase(0, 7);
    else if (path.find("://") != std::string::npos)
        throw UsageError("export writes to a local path or a file:// URL, not " + to,
                         "export to a file, then upload it (snapshots go to remotes with `dspace push`)");
    std::filesystem::path target = std::filesystem::absolute(path).lexically_normal();
    if (target.filename().empty()) target = target.parent_path();
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::symlink_status(target, ec)))
        throw Error(target.string() + " already exists", "export never overwrites: pick a new path, or remove it first");
    if (!std::filesystem::is_directory(target.parent_path(), ec))
        throw Error("the directory " + target.parent_path().string() + " does not exist", "create it first, or pick another --to");
    return target;
}

//! The name of the temporary space an export restores into.
std::string temp_space_name() { return "export-" + std::to_string(::getpid()) + "-" + random_token().substr(0, 8); }

//! Writes the stopped data directory of temp as format (pgdata or tar) to out.
void write_physical(HostServices &host, SpaceManager &spaces, const SpaceState &temp, DataFormat format, const std::filesystem::path &out) {
    DataDirKind kind = data_dir_kind_of(temp.flavour);
    std::string label = data_label_json({temp.flavour, temp.version, temp.user, temp.database});
    std::filesystem::path data = spaces.data_dir(temp.name);
    sdk::ProgressTask progress(host.progress(), "exporting " + temp.flavour + " data", tree_stats(data).bytes);
    auto advance = [&](std::uint64_t bytes) { progress.advance(bytes); };
    std::set<std::string> skip(kind.dspace_files.begin(), kind.dspace_files.end());
    if (format == DataFormat::tar) {
        write_data_tar(data, out, skip, data_label_file, label, advance);
        return;
    }
    Owner owner = owner_of(temp.os_user);
    copy_tree_owned(data, out, owner, advance);
    for (const auto &name : skip) std::filesystem::remove(out / name);
    fs::write_file_atomic(out / data_label_file, label);
    if (::chown((out / data_label_file).c_str(), owner.uid, owner.gid) != 0)
        throw Error("cannot give " + (out / data_label_file).string() + " to the server's user", "check the file system");
    fs::fsync_tree(out);
}

} // namespace

ExportResult export_snapshot(HostServices &host, PluginHost &plugins, SpaceManager &spaces, SnapshotService &snapshots,
                             const ExportOptions &options) {
    validate_name(options.space, "space");
    validate_name(options.snapshot, "snapshot");
    std::filesystem::path target = target_path(options.to);
    SnapshotManifest manifest = snapshots.store().read(options.space, options.snapshot);
    if (options.format != DataFormat::dump) data_dir_kind_of(manifest.flavour); // refuse before any work

    InterruptScope interrupts;
    std::filesystem::path partial = target.parent_path() / ("." + target.filename().string() + ".partial-" + random_token().substr(0, 8));
    CreateOptions create;
    create.name = temp_space_name();
    create.ttl_seconds = temp_space_ttl;
    SpaceState temp = snapshots.create_from_snapshot(create, options.space, options.snapshot);
    try {
        if (options.format == DataFormat::dump) {
            dump_space_database(host, plugins, spaces, temp, partial);
            fs::fsync_dir(target.parent_path());
        } else {
            spaces.stop(temp.name);
            write_physical(host, spaces, temp, options.format, partial);
        }
        check_interrupted();
        fs::rename_durable(partial, target);
    } catch (...) {
        fs::remove_tree(partial); // only ever what this export wrote
        spaces.remove(temp.name, true);
        if (take_interrupt())
            throw Error("the export of snapshot '" + options.space + "/" + options.snapshot + "' was interrupted: its partial output was removed",
                        "run the command again");
        throw;
    }
    spaces.remove(temp.name, true);
    return {target, temp.flavour, temp.version};
}

} // namespace dspace
