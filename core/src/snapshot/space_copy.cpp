// New spaces made from another space's current data or from a snapshot.
#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
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

SpaceState SnapshotService::copy_space(const std::string &source, const std::string &new_name, const std::string &snap) {
    CreateOptions options;
    options.name = new_name;
    if (!snap.empty()) return create_from_snapshot(options, source, snap);
    validate_name(new_name, "space");
    recover_snapshot_leftovers(source);
    FileLock lock = spaces_.lock(source);
    SpaceState like = spaces_.load(source);
    SpaceStatus before = spaces_.status(like);
    if (before != SpaceStatus::stopped) spaces_.stop_locked(like, false);
    auto restart = [&] {
        if (before == SpaceStatus::stopped) return;
        spaces_.start_locked(like);
        if (before == SpaceStatus::paused) spaces_.freeze_locked(like);
    };
    // The copy gets its own password: the copied data is given it on a temporary server before the copy starts.
    SpaceState fresh = like;
    fresh.name = new_name;
    fresh.password = random_password();
    SpaceState created;
    try {
        created = spaces_.create_from(options, fresh, [&](const std::filesystem::path &data_dir) {
            if (std::filesystem::exists(data_dir)) fs::remove_tree(data_dir);
            copy_tree_owned(spaces_.data_dir(source), data_dir, owner_of(like.os_user));
            spaces_.rekey_data(fresh, data_dir, like);
        });
    } catch (...) {
        restart();
        throw;
    }
    restart();
    return created;
}

} // namespace dspace
