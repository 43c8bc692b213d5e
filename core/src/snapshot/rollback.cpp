// Rollback: the space's data replaced by a snapshot's, swapped in by renames so that a crash leaves the old or the new data.
//
// Inside spaces/<space>/:
//   data.rollback-new/     the snapshot's data being built beside the live directory
//   data.rollback-complete marker: data.rollback-new is complete (written before the live server is stopped)
//   data.rollback-old/     the previous live data, between the two renames and until it is deleted
#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/migrate.hpp>
#include <dspace/core/process.hpp>
#include <dspace/core/snapshot.hpp>

#include "foreign_data.hpp"

#include <unistd.h>

namespace dspace {

namespace {

namespace stdfs = std::filesystem;

constexpr const char *rollback_new = "data.rollback-new";
constexpr const char *rollback_old = "data.rollback-old";
constexpr const char *rollback_complete = "data.rollback-complete";

bool present(const stdfs::path &path) {
    std::error_code ec;
    return stdfs::exists(stdfs::symlink_status(path, ec));
}

//! Makes dir (mode 0700) if missing and gives it to the server's OS user.
void make_server_dir(const stdfs::path &dir, uid_t uid, gid_t gid) {
    fs::make_private_dir(dir);
    if (::chown(dir.c_str(), uid, gid) != 0) throw Error("cannot hand " + dir.string() + " to the server's OS user");
}

} // namespace

sdk::Snapshotter &SnapshotService::restorer(const SpaceState &state, const SnapshotManifest &manifest) {
    if (manifest.flavour != state.flavour || manifest.server_version != state.version)
        throw Error("snapshot '" + manifest.space + "/" + manifest.name + "' holds " + manifest.flavour + " " + manifest.server_version +
                        " data, but space '" + state.name + "' runs " + state.flavour + " " + state.version,
                    "restore it into a new space with `dspace copy " + manifest.space + " NEWNAME --snapshot " + manifest.name + "`");
    sdk::Snapshotter &snapshotter = plugins_.snapshotter(manifest.snapshotter);
    bool physical = snapshotter.method() == sdk::SnapshotMethod::physical;
    if (physical && data_is_foreign(manifest, state) && !spaces_.can_rekey(state))
        throw Error("snapshot '" + manifest.space + "/" + manifest.name + "' holds the data of space '" + manifest.source_space +
                        "' with its credentials, and the " + state.flavour + " flavour cannot give it those of space '" + state.name +
                        "' (it has no Rekey capability)",
                    "restore it into the space it was taken of, or upgrade the " + state.flavour + " plugin");
    return snapshotter;
}

void SnapshotService::require_intact(const SnapshotManifest &manifest) const {
    std::string damage = store_->damage(manifest.space, manifest.name);
    if (!damage.empty())
        throw Error("snapshot '" + manifest.space + "/" + manifest.name + "' is damaged: " + damage + "; nothing was changed",
                    "`dspace snapshot verify` lists every damaged snapshot; restore another one, or remove this one with "
                    "`dspace snapshot rm " + manifest.space + " " + manifest.name + "`");
}

void SnapshotService::restore_into(const SpaceState &state, const SnapshotManifest &manifest, const stdfs::path &dir) {
    sdk::Snapshotter &snapshotter = restorer(state, manifest);
    sdk::RestoreJob job;
    job.flavour = &spaces_.flavour(state);
    job.payload_dir = store_->payload_dir(manifest.space, manifest.name).string();
    if (snapshotter.method() == sdk::SnapshotMethod::logical) {
        spaces_.init_data_dir(state, dir);
        spaces_.with_server_on(state, dir, [&](const sdk::Server &server) {
            job.server = server;
            throw_if_failed(snapshotter.restore(host_, job));
        });
        return;
    }
    uid_t uid = ::geteuid();
    gid_t gid = ::getegid();
    if (!state.os_user.empty()) {
        OsUser user = os_user(state.os_user);
        uid = user.uid;
        gid = user.gid;
    }
    make_server_dir(dir, uid, gid);
    job.server = spaces_.server(state);
    job.server.data_dir = dir.string();
    throw_if_failed(snapshotter.restore(host_, job));
    fs::chown_tree(dir, uid, gid);
    if (data_is_foreign(manifest, state)) spaces_.rekey_data(adopting(state, manifest), dir, data_owner(manifest));
}

SpaceState SnapshotService::adopting(const SpaceState &state, const SnapshotManifest &manifest) {
    SpaceState adopted = state;
    if (manifest.method == "physical") adopted.database = data_owner(manifest).database;
    return adopted;
}

void SnapshotService::recover_data_leftovers(const std::string &space) {
    stdfs::path dir = spaces_.space_dir(space);
    stdfs::path data = spaces_.data_dir(space);
    bool complete = present(dir / rollback_complete);
    if (!present(data) && complete && present(dir / rollback_new)) fs::rename_durable(dir / rollback_new, data);
    if (!present(data) && present(dir / rollback_old)) fs::rename_durable(dir / rollback_old, data);
    if (present(dir / rollback_new)) fs::remove_tree(dir / rollback_new);
    if (present(dir / rollback_old)) fs::remove_tree(dir / rollback_old);
    if (complete) {
        fs::remove_tree(dir / rollback_complete);
        fs::fsync_dir(dir);
    }
}

void SnapshotService::rollback(const std::string &space, const std::string &snap) {
    recover_snapshot_leftovers(space);
    FileLock lock = spaces_.lock(space);
    SpaceState state = spaces_.load(space);
    SnapshotManifest manifest = store_->read(space, snap);
    require_intact(manifest); // before the server is stopped or any data is moved
    stdfs::path dir = spaces_.space_dir(space);
    stdfs::path data = spaces_.data_dir(space);
    try {
        restore_into(state, manifest, dir / rollback_new);
        fs::fsync_tree(dir / rollback_new);
    } catch (...) {
        fs::remove_tree(dir / rollback_new);
        throw;
    }
    fs::write_file_atomic(dir / rollback_complete, "complete\n", 0600);
    std::string restored_database = adopting(state, manifest).database;

    SpaceStatus before = spaces_.status(state);
    if (before != SpaceStatus::stopped) spaces_.stop_locked(state, true);
    fs::rename_durable(data, dir / rollback_old);
    fs::rename_durable(dir / rollback_new, data);
    fs::remove_tree(dir / rollback_old);
    if (restored_database != state.database) {
        state.database = restored_database;
        spaces_.save(state);
    }
    fs::remove_tree(dir / rollback_complete);
    fs::fsync_dir(dir);
    forget_interrupted_migration(host_.paths(), space, snap);
    if (before == SpaceStatus::stopped) return;
    spaces_.start_locked(state);
    if (before == SpaceStatus::paused) spaces_.freeze_locked(state);
}

} // namespace dspace
