// New spaces made from another space's current data or from a snapshot.
#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/interrupt.hpp>
#include <dspace/core/names.hpp>
#include <dspace/core/snapshot.hpp>

#include "../space/internal.hpp"
#include "foreign_data.hpp"

namespace dspace {

SpaceState SnapshotService::create_from_snapshot(const CreateOptions &options, const std::string &space, const std::string &snap) {
    validate_name(options.name, "space");
    recover_snapshot_leftovers(space);
    SnapshotManifest manifest = store_->read(space, snap);
    require_intact(manifest);
    if ((!options.flavour.empty() && options.flavour != manifest.flavour) || (!options.version.empty() && options.version != manifest.server_version))
        throw UsageError("snapshot '" + space + "/" + snap + "' holds " + manifest.flavour + " " + manifest.server_version + " data",
                         "leave out --flavour and --version: a space made from a snapshot takes them from it");
    // The new space gets its own password; the snapshot's data is given it while it is restored.
    SpaceState like = adopting(data_owner(manifest), manifest);
    like.name = options.name;
    like.os_user = spaces_.server_os_user(spaces_.flavour(like));
    like.password = options.password.empty() ? random_password() : options.password;
    SpaceState created = spaces_.create_from(options, like, [&](const std::filesystem::path &data_dir) {
        restore_into(like, manifest, data_dir);
    });
    created.from_snapshot = space + "/" + snap;
    spaces_.save(created);
    return created;
}

SpaceState SnapshotService::copy_space(const std::string &source, const std::string &new_name, const std::string &snap, bool temporary) {
    CreateOptions options;
    options.name = new_name;
    options.temporary = temporary;
    if (!snap.empty()) return create_from_snapshot(options, source, snap);
    validate_name(new_name, "space");
    recover_snapshot_leftovers(source);
    InterruptScope interrupts;
    FileLock lock = spaces_.lock(source);
    SpaceState like = spaces_.load(source);
    // The copy gets its own password: the copied data is given it on a temporary server before the copy starts.
    SpaceState fresh = like;
    fresh.name = new_name;
    fresh.password = random_password();
    auto copy = [&] {
        return spaces_.create_from(options, fresh, [&](const std::filesystem::path &data_dir) {
            if (std::filesystem::exists(data_dir)) fs::remove_tree(data_dir);
            copy_tree_owned(spaces_.data_dir(source), data_dir, owner_of(like.os_user));
            check_interrupted();
            spaces_.rekey_data(fresh, data_dir, like);
        });
    };
    try {
        if (spaces_.status(like) == SpaceStatus::stopped) return copy();
        SpaceState created;
        spaces_.with_server_changed_locked(like, ServerChange::stop, [&] { created = copy(); });
        return created;
    } catch (...) {
        if (take_interrupt())
            throw Error("the copy of space '" + source + "' to '" + new_name + "' was interrupted: the partial copy was removed and '" + source +
                            "' is " + to_string(spaces_.status(spaces_.load(like.name))) + " as before",
                        "run the command again to make the copy");
        throw;
    }
}

} // namespace dspace
