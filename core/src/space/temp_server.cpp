// A temporary server on a data directory that is not (yet) a space's, for logical restores and for giving
// restored data a space's credentials.
#include "internal.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/ports.hpp>
#include <dspace/sdk/flavour_capabilities.hpp>
#include <dspace/core/process.hpp>

#include <unistd.h>

namespace dspace {

void SpaceManager::with_server_on(const SpaceState &state, const std::filesystem::path &data_dir,
                                  const std::function<void(const sdk::Server &)> &fn) {
    std::error_code ec;
    if (!std::filesystem::exists(data_dir, ec) || std::filesystem::is_empty(data_dir, ec)) init_data_dir(state, data_dir);
    sdk::Flavour &f = flavour(state);
    with_temp_server(state, data_dir, [&](const sdk::Server &srv) { throw_if_failed(f.create_credentials(host_, srv)); }, fn);
}

bool SpaceManager::can_rekey(const SpaceState &state) const { return plugins_.capability<sdk::Rekey>(state.flavour) != nullptr; }

void SpaceManager::rekey_data(const SpaceState &state, const std::filesystem::path &data_dir, const SpaceState &owner) {
    auto *rekey = plugins_.capability<sdk::Rekey>(state.flavour);
    if (rekey == nullptr)
        throw Error("the " + state.flavour + " flavour cannot give data restored from space '" + owner.name +
                        "' the credentials of space '" + state.name + "' (it has no Rekey capability)",
                    "restore the snapshot into the space it was taken of, or upgrade the " + state.flavour + " plugin");
    with_temp_server(state, data_dir, [&](const sdk::Server &srv) {
        sdk::Server source;
        source.space = owner.name;
        source.version = owner.version;
        source.user = owner.user;
        source.database = owner.database;
        throw_if_failed(rekey->rekey(host_, srv, source));
    }, [](const sdk::Server &) {});
}

void SpaceManager::with_temp_server(const SpaceState &state, const std::filesystem::path &data_dir,
                                    const std::function<void(const sdk::Server &)> &prepare,
                                    const std::function<void(const sdk::Server &)> &fn) {
    sdk::Flavour &f = flavour(state);

    auto scratch = data_dir.parent_path() / (space_files::temp_server_prefix + random_token());
    bool shared = !state.os_user.empty() && owner_of(state.os_user).uid != ::geteuid();
    make_owned_dir(scratch, shared ? 0711 : 0700, owner_of({}));
    SpaceState temp = state;
    temp.listen_address = "127.0.0.1";
    std::set<int> taken;
    for (const auto &other : list()) taken.insert(other.port);
    temp.port = pick_free_port(temp.listen_address, taken);
    sdk::Server srv = server(temp);
    srv.data_dir = data_dir.string();
    srv.run_dir = (scratch / "run").string();
    srv.log_file = (scratch / "server.log").string();
    pid_t pid = 0;
    try {
        pid = launch(temp, srv, [&](pid_t spawned) { // recorded, so a killed dspace's server is stopped by the next command
            CreatingMarker marker;
            marker.creator = ::getpid();
            marker.creator_start = process_start_time(marker.creator).value_or(0);
            marker.server = spawned;
            marker.server_start = process_start_time(spawned).value_or(0);
            marker.port = temp.port;
            marker.program = server_program(temp);
            marker.data_dir = srv.data_dir;
            write_marker(scratch, marker);
        });
        prepare(srv);
        fn(srv);
        shutdown_server(host_, pid, stop_method(plugins_, &f, srv), false);
    } catch (...) {
        if (pid > 0) shutdown_server(host_, pid, stop_method(plugins_, &f, srv), true);
        fs::remove_tree(scratch);
        throw;
    }
    fs::remove_tree(scratch);
}

} // namespace dspace
