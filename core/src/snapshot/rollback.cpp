// Rollback: the space's data replaced by a snapshot's. Snapshotters with InPlaceRestore rewrite only what differs
// in the live directory under a journal that the next command replays; the others build the snapshot's data beside
// the live directory and swap it in by renames, so that a crash leaves the old or the new data.
//
// Inside spaces/<space>/:
//   data.rollback-new/     the snapshot's data being built beside the live directory
//   data.rollback-complete marker: data.rollback-new is complete (written before the live server is stopped)
//   data.rollback-old/     the previous live data, between the two renames and until it is deleted
//   rollback.journal       in-place rollback under way: "<snapshot>\n<stopped|running|paused>\n" (fsynced)
//
// After an in-place rollback by a snapshotter with WarmSpare, a background process (refresh_spare) brings the
// snapshotter's spare copy up to the snapshot, so that the next rollback to it can be a swap of directories.
#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/migrate.hpp>
#include <dspace/core/process.hpp>
#include <dspace/core/snapshot.hpp>

#include "foreign_data.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace dspace {

namespace {

namespace stdfs = std::filesystem;

constexpr const char *rollback_new = "data.rollback-new";
constexpr const char *rollback_old = "data.rollback-old";
constexpr const char *rollback_complete = "data.rollback-complete";
constexpr const char *rollback_journal = "rollback.journal";

bool present(const stdfs::path &path) {
    std::error_code ec;
    return stdfs::exists(stdfs::symlink_status(path, ec));
}

//! Makes dir (mode 0700) if missing and gives it to the server's OS user.
void make_server_dir(const stdfs::path &dir, uid_t uid, gid_t gid) {
    fs::make_private_dir(dir);
    if (::chown(dir.c_str(), uid, gid) != 0) throw Error("cannot hand " + dir.string() + " to the server's OS user");
}

const char *status_word(SpaceStatus status) {
    return status == SpaceStatus::stopped ? "stopped" : status == SpaceStatus::paused ? "paused" : "running";
}

//! syncfs(2) on the file system holding dir.
void sync_file_system(const stdfs::path &dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw Error("cannot open " + dir.string() + " to sync it: " + std::strerror(errno));
    int rc = ::syncfs(fd);
    int saved = errno;
    ::close(fd);
    if (rc != 0) throw Error("cannot sync the file system of " + dir.string() + ": " + std::strerror(saved), "check the disk, then run the command again");
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
    sdk::RestoreJob job = restore_job(state, manifest);
    job.logical_dump = logical_dump_for(state, snapshotter, "restore");
    if (snapshotter.method() == sdk::SnapshotMethod::logical) {
        spaces_.init_data_dir(state, dir);
        spaces_.with_server_on(state, dir, [&](const sdk::Server &server) {
            job.server = server;
            job.page_size = page_size_of(state, server);
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
    job.page_size = page_size_of(state, job.server);
    throw_if_failed(snapshotter.restore(host_, job));
    fs::chown_tree(dir, uid, gid);
    if (data_is_foreign(manifest, state)) spaces_.rekey_data(adopting(state, manifest), dir, data_owner(manifest));
}

SpaceState SnapshotService::adopting(const SpaceState &state, const SnapshotManifest &manifest) {
    SpaceState adopted = state;
    if (manifest.method == "physical") adopted.database = data_owner(manifest).database;
    return adopted;
}

sdk::RestoreJob SnapshotService::restore_job(const SpaceState &state, const SnapshotManifest &manifest) {
    sdk::RestoreJob job;
    job.flavour = &spaces_.flavour(state);
    job.payload_dir = store_->payload_dir(manifest.space, manifest.name).string();
    job.page_size = page_size_of(state, spaces_.server(state));
    job.logical_dump = plugins_.capability<sdk::LogicalDump>(state.flavour);
    return job;
}

void SnapshotService::finish_in_place(SpaceState &state, const SnapshotManifest &manifest, sdk::InPlaceRestore &in_place,
                                      const std::string &before) {
    stdfs::path dir = spaces_.space_dir(state.name);
    sdk::RestoreJob job = restore_job(state, manifest);
    job.server = spaces_.server(state);
    throw_if_failed(in_place.restore_in_place(host_, job));
    sync_file_system(spaces_.data_dir(state.name));
    fs::remove_tree(dir / rollback_journal);
    fs::fsync_dir(dir);
    if (before == "stopped") return;
    spaces_.start_locked(state);
    if (before == "paused") spaces_.freeze_locked(state);
}

void SnapshotService::rollback_in_place(SpaceState &state, const SnapshotManifest &manifest, sdk::InPlaceRestore &in_place) {
    sdk::RestoreJob job = restore_job(state, manifest);
    job.server = spaces_.server(state);
    throw_if_failed(in_place.verify_restore(host_, job)); // refuses before anything is touched
    SpaceStatus before = spaces_.status(state);
    if (before != SpaceStatus::stopped) spaces_.stop_locked(state, true); // its state is being discarded
    fs::write_file_atomic(spaces_.space_dir(state.name) / rollback_journal, manifest.name + "\n" + status_word(before) + "\n", 0600);
    finish_in_place(state, manifest, in_place, status_word(before));
    forget_interrupted_migration(host_.paths(), state.name, manifest.name);
}

void SnapshotService::replay_rollback_journal(const std::string &space) {
    stdfs::path journal = spaces_.space_dir(space) / rollback_journal;
    if (!present(journal)) return;
    std::string text = fs::read_file(journal);
    auto newline = text.find('\n');
    std::string snap = text.substr(0, newline);
    std::string before = newline == std::string::npos ? "stopped" : text.substr(newline + 1, text.find('\n', newline + 1) - newline - 1);
    SpaceState state = spaces_.load(space);
    if (!store_->exists(space, snap))
        throw Error("an interrupted rollback of space '" + space + "' to snapshot '" + snap + "' cannot be finished: the snapshot is gone",
                    "its data is half restored: remove it with `dspace rm " + space + "` (the journal is " + journal.string() + ")");
    SnapshotManifest manifest = store_->read(space, snap);
    auto *in_place = plugins_.capability<sdk::InPlaceRestore>(manifest.snapshotter);
    if (!in_place)
        throw Error("an interrupted rollback of space '" + space + "' needs the '" + manifest.snapshotter + "' snapshotter, which is not loaded",
                    "install that plugin (`dspace plugins` lists what is loaded), then run the command again");
    if (spaces_.status(state) != SpaceStatus::stopped) spaces_.stop_locked(state, true);
    finish_in_place(state, manifest, *in_place, before);
}

void SnapshotService::recover_data_leftovers(const std::string &space) {
    replay_rollback_journal(space);
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

bool SnapshotService::rollback(const std::string &space, const std::string &snap) {
    recover_snapshot_leftovers(space);
    FileLock lock = spaces_.lock(space);
    SpaceState state = spaces_.load(space);
    SnapshotManifest manifest = store_->read(space, snap);
    require_intact(manifest); // before the server is stopped or any data is moved
    // In place only for the space's own data: foreign data takes the copy path, which gives it this space's credentials.
    auto *in_place = plugins_.capability<sdk::InPlaceRestore>(restorer(state, manifest).name());
    if (in_place && !data_is_foreign(manifest, state)) {
        rollback_in_place(state, manifest, *in_place);
        return plugins_.capability<sdk::WarmSpare>(manifest.snapshotter) != nullptr;
    }
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
    if (before == SpaceStatus::stopped) return false;
    spaces_.start_locked(state);
    if (before == SpaceStatus::paused) spaces_.freeze_locked(state);
    return false;
}

void SnapshotService::refresh_spare(const std::string &space, const std::string &snap) {
    sdk::WarmSpare *spare = nullptr;
    sdk::RestoreJob job;
    {
        FileLock lock = spaces_.lock(space); // held only to read the space and the snapshot
        if (present(spaces_.space_dir(space) / rollback_journal) || !store_->exists(space, snap)) return;
        SpaceState state = spaces_.load(space);
        SnapshotManifest manifest = store_->read(space, snap);
        spare = plugins_.capability<sdk::WarmSpare>(manifest.snapshotter);
        if (!spare || data_is_foreign(manifest, state)) return;
        job = restore_job(state, manifest);
        job.server = spaces_.server(state);
    }
    // The snapshotter works on its own copy under its own lock, so that the space's commands never wait for it. Two
    // refreshes run in either order; the spare then holds either snapshot, and a rollback to the other rewrites in
    // place as without a spare.
    throw_if_failed(spare->refresh_spare(host_, job));
}

} // namespace dspace
