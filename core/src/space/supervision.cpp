// Watching, freezing, thawing and stopping server processes.
#include "internal.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/core/process.hpp>

#include <dspace/sdk/flavour_capabilities.hpp>

#include <spdlog/spdlog.h>

#include <arpa/inet.h>
#include <csignal>
#include <deque>
#include <fstream>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace dspace {

namespace {

//! True when something accepts TCP connections on the address the server listens on.
bool tcp_accepts(const std::string &listen_address, int port) {
    bool v6 = listen_address.find(':') != std::string::npos;
    int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return true; // cannot tell: let the flavour decide
    bool ok;
    if (v6) {
        sockaddr_in6 sa {};
        sa.sin6_family = AF_INET6;
        sa.sin6_port = htons(static_cast<uint16_t>(port));
        sa.sin6_addr = in6addr_loopback;
        ok = ::connect(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) == 0;
    } else {
        sockaddr_in sa {};
        sa.sin_family = AF_INET;
        sa.sin_port = htons(static_cast<uint16_t>(port));
        if (listen_address == "0.0.0.0" || listen_address == "*" || ::inet_pton(AF_INET, listen_address.c_str(), &sa.sin_addr) != 1)
            sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ok = ::connect(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) == 0;
    }
    ::close(fd);
    return ok;
}

//! The last lines of a log file, for error messages.
std::string log_tail(const std::string &file, size_t lines) {
    std::ifstream in(file);
    std::deque<std::string> last;
    for (std::string line; std::getline(in, line);) {
        last.push_back(line);
        if (last.size() > lines) last.pop_front();
    }
    std::string out;
    for (const auto &line : last) out += "\n  " + line;
    return out;
}

} // namespace

void wait_until_ready(HostServices &host, sdk::Flavour &flavour, const sdk::Server &srv, pid_t pid) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (true) {
        if (!process_alive(pid))
            throw Error("the " + flavour.name() + " server of space '" + srv.space + "' exited while starting; its log ends with:" +
                            log_tail(srv.log_file, 8),
                        "read the whole log with `dspace logs " + srv.space + "`");
        if (tcp_accepts(srv.listen_address, srv.port) && flavour.is_ready(host, srv)) return;
        if (std::chrono::steady_clock::now() >= deadline)
            throw Error("the " + flavour.name() + " server of space '" + srv.space + "' did not accept connections within 60 s",
                        "see `dspace logs " + srv.space + "`");
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

StopMethod stop_method(const PluginHost &plugins, sdk::Flavour *flavour, const sdk::Server &srv) {
    StopMethod how;
    how.flavour = flavour;
    if (flavour != nullptr) how.stop_command = plugins.capability<sdk::StopCommand>(flavour->name());
    how.server = srv;
    return how;
}

namespace {

//! Runs the flavour's clean stop command; false (with the reason logged) when it could not ask the server to stop.
bool run_stop_command(HostServices &host, const StopMethod &how) {
    try {
        auto ran = host.processes().run(how.stop_command->stop_command(how.server));
        if (ran && ran->succeeded()) return true;
        spdlog::warn("the stop command of space '{}' failed ({}); stopping it with a signal instead", how.server.space,
                     ran ? ran->err.substr(0, ran->err.find('\n')) : ran.status().message());
    } catch (const Error &e) {
        spdlog::warn("the stop command of space '{}' failed ({}); stopping it with a signal instead", how.server.space, e.what());
    }
    return false;
}

} // namespace

void shutdown_server(HostServices &host, pid_t pid, const StopMethod &how, bool immediate) {
    if (!process_alive(pid)) return;
    sdk::Flavour *flavour = how.flavour;
    for (pid_t p : process_tree(pid)) ::kill(p, SIGCONT); // a frozen server cannot shut down
    if (immediate || how.stop_command == nullptr || !run_stop_command(host, how))
        ::kill(pid, flavour ? flavour->stop_signal(immediate) : SIGTERM);
    if (wait_for_exit(pid, immediate ? std::chrono::seconds(15) : std::chrono::seconds(60))) return;
    if (!immediate && flavour) {
        ::kill(pid, flavour->stop_signal(true));
        if (wait_for_exit(pid, std::chrono::seconds(15))) return;
    }
    kill_tree(pid);
}

void empty_dir(const std::filesystem::path &dir, unsigned mode, Owner owner) {
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec)) fs::remove_tree(entry.path());
    make_owned_dir(dir, mode, owner);
}

std::string SpaceManager::server_program(const SpaceState &state) const {
    sdk::Flavour *f = plugins_.try_flavour(state.flavour);
    if (f == nullptr) return {};
    sdk::Command command = f->server_command(server(state));
    return command.argv.empty() ? std::string() : host_.processes().find_program(command.argv[0], {});
}

ServerIdentity SpaceManager::identity(const SpaceState &state) const {
    return {state.pid, state.pid_start_time, server_program(state), data_dir(state.name).string()};
}

SpaceStatus SpaceManager::status(const SpaceState &state) const {
    if (!is_our_server(identity(state))) return SpaceStatus::stopped;
    return process_state(state.pid) == 'T' ? SpaceStatus::paused : SpaceStatus::running;
}

void SpaceManager::freeze_locked(const SpaceState &state) {
    SpaceStatus now = status(state);
    if (now == SpaceStatus::paused) return;
    if (now == SpaceStatus::stopped)
        throw Error("space '" + state.name + "' is not running, so it cannot be paused", "start it with `dspace start " + state.name + "`");
    // The postmaster first, so it forks no new child; then every descendant: PostgreSQL's backends call
    // setsid(), so a signal to the process group would miss them.
    ::kill(state.pid, SIGSTOP);
    auto tree = process_tree(state.pid);
    for (pid_t p : tree)
        if (p != state.pid) ::kill(p, SIGSTOP);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (pid_t p : tree)
        while (process_alive(p) && process_state(p) != 'T' && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void SpaceManager::thaw_locked(const SpaceState &state) {
    if (status(state) == SpaceStatus::stopped) return;
    auto tree = process_tree(state.pid);
    for (auto it = tree.rbegin(); it != tree.rend(); ++it) ::kill(*it, SIGCONT); // children first, the postmaster last
}

void SpaceManager::pause(const std::string &name) {
    FileLock held = lock(name);
    freeze_locked(load(name));
}

void SpaceManager::resume(const std::string &name) {
    FileLock held = lock(name);
    SpaceState state = load(name);
    if (status(state) == SpaceStatus::stopped)
        throw Error("space '" + name + "' is stopped, not paused", "start it with `dspace start " + name + "`");
    thaw_locked(state);
}

} // namespace dspace
