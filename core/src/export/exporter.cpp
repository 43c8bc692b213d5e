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
#include <dspace/core/remotes.hpp>
#include <dspace/core/storage.hpp>

#include <algorithm>
#include <unistd.h>

namespace dspace {

namespace {

//! Where an export goes: a new local path, or a new object of a storage destination.
struct Destination {
    std::filesystem::path path; //!< the local target, when local
    std::string storage_url;    //!< else the destination (s3://bucket/prefix, or a remote's URL)
    std::string key;            //!< and the object's key there
};

//! The prefix of the hidden names an export builds target under, beside it: .<name>.partial-<process_token>.
std::string partial_prefix(const std::filesystem::path &target) { return "." + target.filename().string() + ".partial-"; }

//! Removes what exports to target killed before they renamed their output into place (their process has died).
void remove_abandoned_partials(const std::filesystem::path &target) {
    std::string prefix = partial_prefix(target);
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(target.parent_path(), ec)) {
        std::string name = entry.path().filename().string();
        std::string token = name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : "";
        bool well_formed = std::count(token.begin(), token.end(), '-') == 1 &&
                           token.find_first_not_of("0123456789-") == std::string::npos && token.front() != '-' && token.back() != '-';
        if (!well_formed || !token_process_gone(token)) continue; // only what an export of ours surely left
        fs::remove_tree(entry.path()); // never follows a link
    }
}

//! The local path --to names (a plain path or a file:// URL), checked: it must not exist, its parent must.
std::filesystem::path local_target(const std::string &to) {
    std::string path = to.rfind("file://", 0) == 0 ? to.substr(7) : to;
    std::filesystem::path target = std::filesystem::absolute(path).lexically_normal();
    if (target.filename().empty()) target = target.parent_path();
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::symlink_status(target, ec)))
        throw Error(target.string() + " already exists", "export never overwrites: pick a new path, or remove it first");
    if (!std::filesystem::is_directory(target.parent_path(), ec))
        throw Error("the directory " + target.parent_path().string() + " does not exist", "create it first, or pick another --to");
    return target;
}

//! The destination --to names: s3://bucket/prefix/FILE, the name of a remote (the object is then
//! SPACE-SNAP.tar or .dump), or a local path.
Destination destination_of(HostServices &host, const ExportOptions &options) {
    const std::string &to = options.to;
    if (to.empty()) throw UsageError("missing --to PATH", "name the directory or file to write, e.g. --to /tmp/app-data");
    Destination destination;
    if (to.rfind("s3://", 0) == 0) {
        ObjectUrl object = split_object_url(to, "--to");
        destination.storage_url = object.storage_url;
        destination.key = object.key;
    } else if (to.find('/') == std::string::npos) {
        for (const auto &remote : list_remotes(host.mutable_config()))
            if (remote.name == to) {
                destination.storage_url = remote.url;
                destination.key = options.space + "-" + options.snapshot + "." + to_string(options.format);
            }
    } else if (to.find("://") != std::string::npos && to.rfind("file://", 0) != 0) {
        throw UsageError("export writes to a local path, file:///path, s3://bucket/path or a remote's name, not " + to,
                         "`dspace remote ls` lists the remotes");
    }
    if (destination.storage_url.empty()) {
        destination.path = local_target(to);
        return destination;
    }
    if (options.format == DataFormat::pgdata)
        throw UsageError("a data directory (--format pgdata) cannot be stored as one object in " + destination.storage_url,
                         "use --format tar or --format dump");
    validate_object_key(destination.key);
    if (open_storage(destination.storage_url)->exists(destination.key))
        throw Error(destination.storage_url + "/" + destination.key + " already exists",
                    "export never overwrites: pick a new name, or remove the object first");
    return destination;
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
    Destination destination = destination_of(host, options);
    SnapshotManifest manifest = snapshots.store().read(options.space, options.snapshot);
    if (options.format != DataFormat::dump) data_dir_kind_of(manifest.flavour); // refuse before any work

    InterruptScope interrupts;
    CreateOptions create;
    create.name = temp_space_name();
    create.temporary = true; // a killed export's space is removed by the next command
    bool local = !destination.path.empty();
    // A local output is built beside its target (what killed exports to it left is removed first); one for a
    // storage destination inside the temporary space.
    if (local) remove_abandoned_partials(destination.path);
    std::filesystem::path partial = local ? destination.path.parent_path() / (partial_prefix(destination.path) + process_token())
                                          : spaces.space_dir(create.name) / "export.partial";
    SpaceState temp = snapshots.create_from_snapshot(create, options.space, options.snapshot);
    try {
        if (options.format == DataFormat::dump) {
            dump_space_database(host, plugins, spaces, temp, partial);
        } else {
            spaces.stop(temp.name);
            write_physical(host, spaces, temp, options.format, partial);
        }
        check_interrupted();
        if (local) fs::rename_durable(partial, destination.path);
        else open_storage(destination.storage_url)->put_file(destination.key, partial);
    } catch (...) {
        try {
            if (local) fs::remove_tree(partial); // only ever what this export wrote
            spaces.remove(temp.name, true);
        } catch (const std::exception &e) { // the first error is the one to report; the next command removes the space
            host.logger().log(sdk::LogLevel::warn, std::string("cleaning up after a failed export: ") + e.what());
        }
        if (take_interrupt())
            throw Error("the export of snapshot '" + options.space + "/" + options.snapshot + "' was interrupted: its partial output was removed",
                        "run the command again");
        throw;
    }
    spaces.remove(temp.name, true);
    return {local ? destination.path.string() : destination.storage_url + "/" + destination.key, temp.flavour, temp.version};
}

} // namespace dspace
