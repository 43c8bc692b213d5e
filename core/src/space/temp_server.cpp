// A temporary server on a data directory that is not (yet) a space's, for logical restores.
#include "internal.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/ports.hpp>

#include <unistd.h>

namespace dspace {

void SpaceManager::with_server_on(const SpaceState &state, const std::filesystem::path &data_dir,
                                  const std::function<void(const sdk::Server &)> &fn) {
    sdk::Flavour &f = flavour(state);
    std::error_code ec;
    if (!std::filesystem::exists(data_dir, ec) || std::filesystem::is_empty(data_dir, ec)) init_data_dir(state, data_dir);

    auto scratch = data_dir.parent_path() / (".server-" + random_token());
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
        pid = launch(temp, srv, [](pid_t) {});
        throw_if_failed(f.create_credentials(host_, srv));
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
