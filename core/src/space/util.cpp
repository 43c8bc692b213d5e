// Small helpers of the space implementation: markers, owners, random values, time.
#include "internal.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/expiry.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/process.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <random>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace dspace {

void write_marker(const std::filesystem::path &dir, const CreatingMarker &m) {
    std::ostringstream out;
    out << m.creator << ' ' << m.creator_start << ' ' << m.server << ' ' << m.server_start << ' ' << m.port << '\n'
        << m.program << '\n' << m.data_dir << '\n';
    fs::write_file_atomic(dir / space_files::creating, out.str(), 0600);
}

std::optional<CreatingMarker> read_marker(const std::filesystem::path &dir) {
    try {
        std::istringstream in(fs::read_file(dir / space_files::creating));
        CreatingMarker m;
        if (!(in >> m.creator >> m.creator_start >> m.server >> m.server_start >> m.port)) return std::nullopt;
        in.ignore(1);
        std::getline(in, m.program);
        std::getline(in, m.data_dir);
        return m;
    } catch (const Error &) {
    }
    return std::nullopt;
}

bool same_process_alive(pid_t pid, unsigned long long start_time) {
    if (start_time == 0 || !process_alive(pid)) return false;
    auto actual = process_start_time(pid);
    return actual && *actual == start_time;
}

std::string process_token() {
    pid_t self = ::getpid();
    return std::to_string(self) + "-" + std::to_string(process_start_time(self).value_or(0));
}

bool token_process_gone(std::string_view text) {
    std::istringstream fields{std::string(text)};
    pid_t pid = 0;
    unsigned long long start = 0;
    char dash = 0;
    if (!(fields >> pid >> dash >> start) || dash != '-') return true;
    return !same_process_alive(pid, start);
}

bool owner_gone(const std::filesystem::path &dir) {
    std::error_code ec;
    if (!std::filesystem::exists(dir / space_files::owner, ec)) return false;
    try {
        return token_process_gone(fs::read_file(dir / space_files::owner));
    } catch (const Error &) {
        return true; // unreadable: nobody proves to be at work on it
    }
}

bool stop_if_abandoned(const CreatingMarker &marker) {
    if (same_process_alive(marker.creator, marker.creator_start)) return false;
    if (is_our_server(marker.server_identity())) kill_tree(marker.server);
    return true;
}

void kill_tree(pid_t pid) {
    auto tree = process_tree(pid);
    for (pid_t p : tree) ::kill(p, SIGKILL);
    for (pid_t p : tree) ::kill(p, SIGCONT);
    wait_for_exit(pid, std::chrono::seconds(10));
}

Owner owner_of(const std::string &os_user) {
    if (os_user.empty()) return {::geteuid(), ::getegid()};
    auto user = dspace::os_user(os_user);
    return {user.uid, user.gid};
}

void make_owned_dir(const std::filesystem::path &dir, unsigned mode, Owner owner) {
    if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST)
        throw Error("cannot create directory " + dir.string() + ": " + std::strerror(errno));
    if (::chmod(dir.c_str(), mode) != 0 || ::lchown(dir.c_str(), owner.uid, owner.gid) != 0)
        throw Error("cannot set the mode and owner of " + dir.string() + ": " + std::strerror(errno));
}

void check_reachable(const std::filesystem::path &dir, const std::string &os_user) {
    if (os_user.empty()) return;
    OsUser user = dspace::os_user(os_user);
    if (user.uid == ::geteuid()) return;
    for (auto p = std::filesystem::absolute(dir); ; p = p.parent_path()) {
        struct stat st {};
        if (::stat(p.c_str(), &st) == 0) {
            mode_t bit = st.st_uid == user.uid ? S_IXUSR : st.st_gid == user.gid ? S_IXGRP : S_IXOTH;
            if (!(st.st_mode & bit))
                throw Error("the database server runs as the OS user '" + os_user + "', which cannot reach " + dir.string() +
                                " because it may not enter " + p.string(),
                            "set DSPACE_HOME to a path the user '" + os_user +
                                "' can reach, e.g. /var/lib/dataspace (or pick another server user with "
                                "`dspace config set flavours.<flavour>.server_user USER`)");
        }
        if (p == p.root_path() || p.empty()) break;
    }
}

std::string random_password() {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device device;
    std::uniform_int_distribution<size_t> pick(0, sizeof alphabet - 2);
    std::string out;
    for (int i = 0; i < 24; ++i) out += alphabet[pick(device)];
    return out;
}

std::string random_token() {
    std::random_device device;
    std::ostringstream out;
    out << std::hex << device() << device();
    return out.str();
}

std::string utc_now() { return utc_time(std::int64_t(std::time(nullptr))); }

} // namespace dspace
