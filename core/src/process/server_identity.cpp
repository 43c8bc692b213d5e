#include <dspace/core/process.hpp>
#include <dspace/core/server_identity.hpp>

#include <climits>
#include <dirent.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace dspace {

namespace {

//! The canonical path of the program pid runs ("(deleted)" dropped: the package was upgraded under it); empty when unknown.
std::string executable_of(pid_t pid) {
    char buf[PATH_MAX + 1];
    ssize_t n = ::readlink(("/proc/" + std::to_string(pid) + "/exe").c_str(), buf, PATH_MAX);
    if (n <= 0) return {};
    std::string path(buf, static_cast<size_t>(n));
    const std::string deleted = " (deleted)";
    if (path.size() > deleted.size() && path.compare(path.size() - deleted.size(), deleted.size(), deleted) == 0)
        path.resize(path.size() - deleted.size());
    return path;
}

//! The canonical path of program; empty when it does not exist.
std::string canonical_program(const std::string &program) {
    std::error_code ec;
    auto path = std::filesystem::canonical(program, ec);
    return ec ? std::string() : path.string();
}

//! True when pid's working directory is the directory dir (compared by device and inode).
bool works_in(pid_t pid, const struct stat &dir) {
    struct stat cwd {};
    return ::stat(("/proc/" + std::to_string(pid) + "/cwd").c_str(), &cwd) == 0 && cwd.st_dev == dir.st_dev &&
           cwd.st_ino == dir.st_ino;
}

//! True when pid runs the program canonical and works in the directory dir.
bool runs_on(pid_t pid, const std::string &canonical, const struct stat &dir) {
    return !canonical.empty() && executable_of(pid) == canonical && works_in(pid, dir);
}

} // namespace

bool is_our_server(const ServerIdentity &identity) {
    if (identity.pid <= 0 || identity.start_time == 0 || !process_alive(identity.pid)) return false;
    auto started = process_start_time(identity.pid);
    struct stat dir {};
    if (!started || *started != identity.start_time || ::lstat(identity.data_dir.c_str(), &dir) != 0 || !S_ISDIR(dir.st_mode))
        return false;
    return runs_on(identity.pid, canonical_program(identity.program), dir);
}

std::vector<pid_t> servers_on(const std::string &program, const std::string &data_dir) {
    std::vector<pid_t> found;
    std::string canonical = canonical_program(program);
    struct stat dir {};
    if (canonical.empty() || ::lstat(data_dir.c_str(), &dir) != 0 || !S_ISDIR(dir.st_mode)) return found;
    DIR *proc = ::opendir("/proc");
    if (proc == nullptr) return found;
    while (struct dirent *entry = ::readdir(proc)) {
        pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
        if (pid > 0 && pid != ::getpid() && process_alive(pid) && runs_on(pid, canonical, dir)) found.push_back(pid);
    }
    ::closedir(proc);
    return found;
}

} // namespace dspace
