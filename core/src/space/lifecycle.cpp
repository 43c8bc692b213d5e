// Creating, starting and stopping spaces.
#include "internal.hpp"
#include "create_extras.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/names.hpp>
#include <dspace/core/ports.hpp>
#include <dspace/core/process.hpp>
#include <dspace/core/server_settings.hpp>

#include <map>
#include <thread>
#include <unistd.h>

namespace dspace {

SpaceManager::SpaceManager(HostServices &host, PluginHost &plugins) : host_(host), plugins_(plugins) {}

SpaceState SpaceManager::reserve(const CreateOptions &options, sdk::Flavour &flavour, const std::string &version) {
    SpaceState s;
    s.name = options.name;
    s.flavour = flavour.name();
    s.version = version;
    s.os_user = server_os_user(flavour);
    auto configured_listen = host_.config().get("spaces.listen_address");
    s.listen_address = !options.listen_address.empty() ? options.listen_address
                       : configured_listen && !configured_listen->empty() ? *configured_listen
                                                                          : "127.0.0.1";
    s.user = options.user.empty() ? "dspace" : options.user;
    s.password = options.password.empty() ? random_password() : options.password;
    s.database = options.database.empty() ? options.name : options.database;
    s.created = utc_now();
    apply_create_extras(s, options, host_.config());
    open_home_for(s.os_user);

    FileLock home(host_.paths().home_lock(), "the dspace home");
    auto dir = space_dir(s.name);
    std::error_code ec;
    if (exists(s.name))
        throw Error("a space named '" + s.name + "' already exists", "pick another name, or remove it first with `dspace rm " + s.name + "`");
    if (std::filesystem::exists(dir, ec))
        throw Error("a space named '" + s.name + "' is being created by another dspace command", "pick another name, or wait and retry");

    std::map<int, std::string> taken;
    for (const auto &other : list()) taken[other.port] = "space '" + other.name + "'";
    for (const auto &entry : std::filesystem::directory_iterator(host_.paths().spaces_dir(), ec))
        if (auto marker = read_marker(entry.path())) taken[marker->port] = "a space being created";
    if (options.port != 0) {
        if (options.port < 1 || options.port > 65535) throw UsageError("port " + std::to_string(options.port) + " is not a valid TCP port (1-65535)");
        if (taken.count(options.port))
            throw Error("port " + std::to_string(options.port) + " is already kept by " + taken[options.port],
                        "pick another port, or leave out --port to get a free one");
        if (!port_available(s.listen_address, options.port))
            throw Error("port " + std::to_string(options.port) + " is in use on " + s.listen_address + " by another program",
                        "pick another port, or leave out --port to get a free one");
        s.port = options.port;
    } else {
        std::set<int> ports;
        for (const auto &[port, owner] : taken) ports.insert(port);
        s.port = pick_free_port(s.listen_address, ports);
    }
    bool shared = !s.os_user.empty() && owner_of(s.os_user).uid != ::geteuid();
    make_owned_dir(dir, shared ? 0711 : 0700, owner_of({}));
    CreatingMarker marker;
    marker.creator = ::getpid();
    marker.creator_start = process_start_time(marker.creator).value_or(0);
    marker.port = s.port;
    write_marker(dir, marker);
    if (options.temporary) fs::write_file_atomic(dir / space_files::owner, process_token() + "\n", 0600);
    return s;
}

SpaceState SpaceManager::build(SpaceState state, const std::function<void(const std::filesystem::path &)> &fill,
                               bool create_credentials) {
    auto dir = space_dir(state.name);
    pid_t started = 0;
    try {
        FileLock held = lock(state.name);
        Owner owner = owner_of(state.os_user);
        make_owned_dir(dir / "run", 0700, owner);
        make_owned_dir(dir / "logs", 0700, owner_of({}));
        fill(dir / "data");
        sdk::Server srv = server(state);
        started = launch(state, srv, [&](pid_t pid) {
            auto marker = read_marker(dir).value_or(CreatingMarker{});
            marker.server = pid;
            marker.server_start = process_start_time(pid).value_or(0);
            marker.program = server_program(state);
            marker.data_dir = srv.data_dir;
            write_marker(dir, marker);
        });
        state.pid = started;
        state.pid_start_time = process_start_time(started).value_or(0);
        if (create_credentials) throw_if_failed(flavour(state).create_credentials(host_, srv));
        save(state); // the space exists from here on
        std::filesystem::remove(dir / space_files::creating);
        return state;
    } catch (...) {
        if (started > 0) kill_tree(started);
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
        throw;
    }
}

SpaceState SpaceManager::create(const CreateOptions &options) {
    validate_name(options.name, "space");
    sdk::Flavour &f = plugins_.flavour(options.flavour);
    std::string version = choose_version(f, options.version);
    SpaceState state = reserve(options, f, version);
    return build(state, [&](const std::filesystem::path &data) { init_data_dir(state, data); }, true);
}

SpaceState SpaceManager::create_from(const CreateOptions &options, const SpaceState &like,
                                     const std::function<void(const std::filesystem::path &data_dir)> &fill) {
    validate_name(options.name, "space");
    sdk::Flavour &f = plugins_.flavour(like.flavour);
    CreateOptions from = options;
    from.user = like.user;
    from.password = like.password;
    from.database = like.database;
    SpaceState state = reserve(from, f, like.version);
    state.from_snapshot = like.from_snapshot;
    return build(state, [&](const std::filesystem::path &data) {
        fill(data);
        fs::chown_tree(data, owner_of(state.os_user).uid, owner_of(state.os_user).gid);
        std::filesystem::permissions(data, std::filesystem::perms::owner_all);
    }, false);
}

void SpaceManager::release_port(const SpaceState &state, const sdk::Server &srv) const {
    for (pid_t orphan : servers_on(server_program(state), srv.data_dir)) kill_tree(orphan);
    for (int waited = 0; waited < 50 && !port_available(srv.listen_address, srv.port); ++waited)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

pid_t SpaceManager::launch(const SpaceState &state, const sdk::Server &srv, const std::function<void(pid_t)> &on_spawn) {
    sdk::Flavour &f = flavour(state);
    empty_dir(srv.run_dir, 0700, owner_of(state.os_user));
    throw_if_failed(f.configure(host_, srv));
    write_server_settings(state, srv);
    if (!port_available(srv.listen_address, srv.port)) release_port(state, srv);
    if (!port_available(srv.listen_address, srv.port))
        throw Error("port " + std::to_string(srv.port) + " of space '" + srv.space + "' is in use by another program",
                    "stop that program and try again (a space keeps its port for its whole life)");
    sdk::Command command = f.server_command(srv);
    command.cwd = srv.data_dir; // part of its identity: the server works in its own data directory
    command.run_as_user = state.os_user;
    command.secrets.push_back(state.password);
    pid_t pid = spawn_detached(command, srv.log_file, on_spawn);
    try {
        wait_until_ready(host_, f, srv, pid);
    } catch (...) {
        kill_tree(pid);
        throw;
    }
    return pid;
}

void SpaceManager::start(const std::string &name) {
    FileLock held = lock(name);
    SpaceState state = load(name);
    start_locked(state);
}

void SpaceManager::stop(const std::string &name, bool immediate) {
    FileLock held = lock(name);
    SpaceState state = load(name);
    stop_locked(state, immediate);
}

void SpaceManager::start_locked(SpaceState &state) {
    if (status(state) != SpaceStatus::stopped) return;
    state.pid = 0;
    state.pid_start_time = 0;
    launch(state, server(state), [&](pid_t pid) {
        state.pid = pid;
        state.pid_start_time = process_start_time(pid).value_or(0);
        save(state);
    });
}

void SpaceManager::stop_locked(SpaceState &state, bool immediate) {
    if (status(state) != SpaceStatus::stopped)
        shutdown_server(host_, state.pid, stop_method(plugins_, plugins_.try_flavour(state.flavour), server(state)), immediate);
    if (state.pid == 0 && state.pid_start_time == 0) return;
    state.pid = 0;
    state.pid_start_time = 0;
    save(state);
}

} // namespace dspace
