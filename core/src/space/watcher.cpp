// The per-space watcher behind --ttl and --idle-stop: a detached process that polls the space once a second.
#include <dspace/core/error.hpp>
#include <dspace/core/expiry.hpp>

#include <spdlog/spdlog.h>

#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace dspace {

namespace {

//! The watch lock's file in the space's directory; a live watcher holds an exclusive flock on it.
std::filesystem::path watch_lock_path(const SpaceManager &spaces, const std::string &name) { return spaces.space_dir(name) / "watch.lock"; }

//! Connected TCP clients of port: server-side ESTABLISHED sockets (state 01) in /proc/net/tcp and tcp6.
int tcp_clients(int port) {
    int count = 0;
    for (const char *table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(table);
        std::string line;
        std::getline(in, line); // header
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::string slot, local, remote, state;
            fields >> slot >> local >> remote >> state;
            auto colon = local.rfind(':');
            if (colon == std::string::npos || state != "01") continue;
            if (std::stoi(local.substr(colon + 1), nullptr, 16) == port) ++count;
        }
    }
    return count;
}

//! Connected Unix-socket clients of sockets inside run_dir: accepted sockets (state 03) named by their path.
int unix_clients(const std::string &run_dir) {
    int count = 0;
    std::ifstream in("/proc/net/unix");
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string num, refs, protocol, flags, type, state, inode, path;
        fields >> num >> refs >> protocol >> flags >> type >> state >> inode >> path;
        if (state == "03" && path.rfind(run_dir + "/", 0) == 0) ++count;
    }
    return count;
}

} // namespace

bool watcher_running(const SpaceManager &spaces, const std::string &name) {
    int fd = ::open(watch_lock_path(spaces, name).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return false;
    bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0;
    ::close(fd);
    return held;
}

void watch_space(SpaceManager &spaces, const std::string &name) {
    if (!spaces.exists(name)) return;
    int lock = ::open(watch_lock_path(spaces, name).c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (lock < 0 || ::flock(lock, LOCK_EX | LOCK_NB) != 0) return; // another watcher has it
    auto idle_since = std::chrono::steady_clock::now();
    for (;; std::this_thread::sleep_for(std::chrono::milliseconds(500))) {
        try {
            if (!spaces.exists(name)) return;
            SpaceState state = spaces.load(name);
            SpaceStatus status = spaces.status(state);
            if (!state.expires.empty() && seconds_until(state.expires) <= 0) {
                spdlog::info("space '{}' reached its TTL ({}): removing it", name, state.expires);
                spaces.remove(name, false);
                return;
            }
            if (status == SpaceStatus::stopped && state.expires.empty()) return;
            auto now = std::chrono::steady_clock::now();
            bool counting = status == SpaceStatus::running && state.idle_stop_seconds > 0;
            if (!counting || tcp_clients(state.port) + unix_clients(spaces.server(state).run_dir) > 0) {
                idle_since = now;
            } else if (now - idle_since >= std::chrono::seconds(state.idle_stop_seconds)) {
                spdlog::info("space '{}' had no client for {}: stopping it", name, format_duration(state.idle_stop_seconds));
                spaces.stop(name, false);
                if (state.expires.empty()) return;
            }
        } catch (const Error &e) {
            spdlog::warn("watching space '{}': {}", name, e.what()); // e.g. removed meanwhile: checked again above
        }
    }
}

} // namespace dspace
