#include <dspace/core/error.hpp>
#include <dspace/core/interrupt.hpp>
#include <dspace/core/process.hpp>

#include "child.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <grp.h>
#include <map>
#include <set>
#include <poll.h>
#include <pwd.h>
#include <sstream>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

namespace dspace {

bool is_connection_variable(std::string_view name) {
    static const std::set<std::string_view> names = {"PGHOST",     "PGHOSTADDR",     "PGPORT",          "PGDATABASE", "PGUSER",
                                                     "PGPASSWORD", "PGPASSFILE",     "PGSERVICE",       "PGSERVICEFILE",
                                                     "MYSQL_HOST", "MYSQL_TCP_PORT", "MYSQL_UNIX_PORT", "MYSQL_PWD",
                                                     "MYSQL_HOME", "MYSQL_TEST_LOGIN_FILE", "MARIADB_HOME"};
    return names.count(name) != 0;
}

namespace {

std::vector<std::string> merged_environment(const sdk::Command &command, const std::optional<OsUser> &user) {
    std::map<std::string, std::string> vars;
    for (char **e = environ; *e != nullptr; ++e) {
        std::string entry(*e);
        auto eq = entry.find('=');
        if (eq != std::string::npos && !is_connection_variable(entry.substr(0, eq))) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    if (user) {
        vars["HOME"] = user->home;
        vars["USER"] = user->name;
        vars["LOGNAME"] = user->name;
    }
    for (const auto &[name, value] : command.env) vars[name] = value;
    std::vector<std::string> out;
    for (const auto &[name, value] : vars) out.push_back(name + "=" + value);
    return out;
}

std::string search_path(std::string_view name, const std::vector<std::string> &extra_dirs) {
    if (name.find('/') != std::string_view::npos) return ::access(std::string(name).c_str(), X_OK) == 0 ? std::string(name) : "";
    std::vector<std::string> dirs = extra_dirs;
    const char *path = std::getenv("PATH");
    std::stringstream split(path ? path : "/usr/local/bin:/usr/bin:/bin");
    for (std::string dir; std::getline(split, dir, ':');)
        if (!dir.empty()) dirs.push_back(dir);
    for (const auto &dir : dirs) {
        std::string candidate = dir + "/" + std::string(name);
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return {};
}

} // namespace

ChildPlan plan_child(const sdk::Command &command) {
    if (command.argv.empty()) throw Error("internal error: an empty command line was given to the process runner");
    ChildPlan plan;
    plan.program = search_path(command.argv[0], {});
    if (plan.program.empty())
        throw Error("program '" + command.argv[0] + "' was not found", "install it, or check PATH; `dspace setup --check` lists what is missing");
    if (!command.run_as_user.empty() && ::geteuid() == 0) plan.user = os_user(command.run_as_user);
    plan.argv_storage = command.argv;
    for (auto &a : plan.argv_storage) plan.argv.push_back(a.data());
    plan.argv.push_back(nullptr);
    plan.env_storage = merged_environment(command, plan.user);
    for (auto &e : plan.env_storage) plan.envp.push_back(e.data());
    plan.envp.push_back(nullptr);
    plan.cwd = command.cwd;
    plan.stdin_file = command.stdin_file;
    return plan;
}

namespace {

[[noreturn]] void child_fail(int report_fd, const char *what) {
    int saved = errno;
    if (report_fd >= 0) {
        char message[256];
        int n = snprintf(message, sizeof message, "%s: %s", what, strerror(saved));
        if (n > 0) (void)!::write(report_fd, message, static_cast<size_t>(std::min(n, 255)));
    }
    _exit(127);
}

} // namespace

[[noreturn]] void become(const ChildPlan &plan, int report_fd) {
    if (!plan.stdin_ready) {
        int in = ::open(plan.stdin_file.empty() ? "/dev/null" : plan.stdin_file.c_str(), O_RDONLY);
        if (in < 0) child_fail(report_fd, "cannot open stdin file");
        if (::dup2(in, 0) < 0) child_fail(report_fd, "cannot redirect stdin");
        if (in != 0) ::close(in);
    }
    if (plan.user) {
        if (::initgroups(plan.user->name.c_str(), plan.user->gid) != 0) child_fail(report_fd, "cannot set groups");
        if (::setgid(plan.user->gid) != 0) child_fail(report_fd, "cannot set group id");
        if (::setuid(plan.user->uid) != 0) child_fail(report_fd, "cannot set user id");
    }
    if (!plan.cwd.empty() && ::chdir(plan.cwd.c_str()) != 0) child_fail(report_fd, "cannot change directory");
    // A helper must not outlive a killed dspace (set after setuid, which clears it).
    if (plan.die_with_parent && (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != plan.parent)) _exit(127);
    ::signal(SIGPIPE, SIG_DFL);
    ::execve(plan.program.c_str(), plan.argv.data(), plan.envp.data());
    child_fail(report_fd, "cannot execute program");
}

std::string read_exec_report(int fd) {
    std::string message;
    char buf[256];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) message.append(buf, static_cast<size_t>(n));
    ::close(fd);
    return message;
}

namespace {

//! Kills the process group of a helper when SIGINT/SIGTERM arrived during an InterruptScope; true then.
bool stop_if_interrupted(pid_t pid) {
    if (!interrupt_pending()) return false;
    ::kill(-pid, SIGKILL);
    return true;
}

sdk::ProcessResult finish(pid_t pid, bool timed_out) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) stop_if_interrupted(pid);
    sdk::ProcessResult result;
    result.timed_out = timed_out;
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    return result;
}

} // namespace

std::optional<OsUser> find_os_user(const std::string &name) {
    struct passwd pw {};
    struct passwd *found = nullptr;
    std::vector<char> buf(16384);
    if (::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) return std::nullopt;
    return OsUser{pw.pw_name, pw.pw_uid, pw.pw_gid, pw.pw_dir ? pw.pw_dir : "/"};
}

OsUser os_user(const std::string &name) {
    auto user = find_os_user(name);
    if (!user)
        throw Error("there is no OS user named '" + name + "' to run the database server as",
                    "create it (useradd --system " + name + ") or pick another with `dspace config set flavours.<flavour>.server_user USER`");
    return *user;
}

std::string describe_command(const sdk::Command &command) {
    std::string text;
    for (const auto &arg : command.argv) {
        std::string masked = arg;
        for (const auto &secret : command.secrets) {
            if (secret.empty()) continue;
            for (size_t at = masked.find(secret); at != std::string::npos; at = masked.find(secret, at + 3))
                masked.replace(at, secret.size(), "***");
        }
        if (!text.empty()) text += ' ';
        text += masked.find_first_of(" \t'\"") == std::string::npos ? masked : "'" + masked + "'";
    }
    if (!command.run_as_user.empty()) text += "  (as " + command.run_as_user + ")";
    return text;
}

sdk::Result<sdk::ProcessResult> ProcessRunnerImpl::run(const sdk::Command &command) {
    ChildPlan plan;
    try {
        plan = plan_child(command);
    } catch (const Error &e) {
        return sdk::Status::failure(e.what(), e.hint());
    }
    plan.parent = ::getpid();
    plan.die_with_parent = true;
    if (logger_) logger_->log(sdk::LogLevel::debug, "run: " + describe_command(command));

    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, report[2] = {-1, -1};
    bool capture = !command.stream_output;
    if (::pipe2(report, O_CLOEXEC) != 0 || (capture && (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)))
        return sdk::Status::failure(std::string("cannot create pipes: ") + std::strerror(errno));

    int out_file = -1;
    if (!command.stdout_file.empty()) {
        out_file = ::open(command.stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (out_file < 0)
            return sdk::Status::failure("cannot write " + command.stdout_file + ": " + std::strerror(errno));
    }

    pid_t pid = ::fork();
    if (pid < 0) return sdk::Status::failure(std::string("cannot start a process: ") + std::strerror(errno));
    if (pid == 0) {
        ::setpgid(0, 0); // its own process group, so a timeout kills the whole tree
        if (out_file >= 0) ::dup2(out_file, 1);
        else if (capture) ::dup2(out_pipe[1], 1);
        if (capture) ::dup2(err_pipe[1], 2);
        become(plan, report[1]);
    }
    ::close(report[1]);
    if (out_file >= 0) ::close(out_file);
    if (capture) {
        ::close(out_pipe[1]);
        ::close(err_pipe[1]);
    }
    std::string exec_error = read_exec_report(report[0]);

    sdk::ProcessResult collected;
    bool timed_out = false;
    if (capture) {
        auto deadline = std::chrono::steady_clock::now() + command.timeout;
        struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
        std::string *sinks[2] = {&collected.out, &collected.err};
        int open_count = 2;
        while (open_count > 0) {
            if (stop_if_interrupted(pid)) break;
            int wait_ms = -1;
            if (command.timeout.count() > 0) {
                auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
                if (left.count() <= 0) {
                    ::kill(-pid, SIGKILL);
                    timed_out = true;
                    break;
                }
                wait_ms = static_cast<int>(left.count());
            }
            int ready = ::poll(fds, 2, wait_ms);
            if (ready < 0 && errno == EINTR) continue;
            for (int i = 0; i < 2; ++i) {
                if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                char buf[65536];
                ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
                if (n > 0) sinks[i]->append(buf, static_cast<size_t>(n));
                else {
                    ::close(fds[i].fd);
                    fds[i].fd = -1;
                    --open_count;
                }
            }
        }
        for (auto &fd : fds)
            if (fd.fd >= 0) ::close(fd.fd);
    } else if (command.timeout.count() > 0) {
        auto deadline = std::chrono::steady_clock::now() + command.timeout;
        int status = 0;
        bool stopped = false;
        while (::waitpid(pid, &status, WNOHANG) == 0) {
            if ((stopped = stop_if_interrupted(pid))) break;
            if (std::chrono::steady_clock::now() >= deadline) {
                ::kill(-pid, SIGKILL);
                timed_out = true;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (!timed_out && !stopped) {
            sdk::ProcessResult result;
            if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
            if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
            return result;
        }
    }
    sdk::ProcessResult result = finish(pid, timed_out);
    if (interrupt_pending()) return sdk::Status::failure(command.argv[0] + " was stopped: dspace was interrupted");
    if (!exec_error.empty())
        return sdk::Status::failure("cannot start " + command.argv[0] + ": " + exec_error);
    result.out = std::move(collected.out);
    result.err = std::move(collected.err);
    return result;
}

std::string ProcessRunnerImpl::find_program(std::string_view name, const std::vector<std::string> &extra_dirs) {
    return search_path(name, extra_dirs);
}

pid_t spawn_detached(const sdk::Command &command, const std::string &log_file, const std::function<void(pid_t)> &record) {
    ChildPlan plan = plan_child(command);
    int log_fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0) throw Error("cannot open log file " + log_file + ": " + std::strerror(errno));
    if (plan.user && ::fchown(log_fd, plan.user->uid, plan.user->gid) != 0)
        throw Error("cannot hand log file " + log_file + " to user " + plan.user->name + ": " + std::strerror(errno));
    int report[2], go[2];
    if (::pipe2(report, O_CLOEXEC) != 0 || ::pipe2(go, O_CLOEXEC) != 0)
        throw Error(std::string("cannot create a pipe: ") + std::strerror(errno));
    pid_t pid = ::fork();
    if (pid < 0) throw Error(std::string("cannot start the server process: ") + std::strerror(errno));
    if (pid == 0) {
        ::close(go[1]);
        char byte = 0;
        ssize_t n;
        while ((n = ::read(go[0], &byte, 1)) < 0 && errno == EINTR) {}
        if (n != 1) _exit(0); // the caller died (or gave up) before recording us: never become an untracked server
        ::setsid(); // own session: no controlling terminal, survives the caller's terminal closing
        ::dup2(log_fd, 1);
        ::dup2(log_fd, 2);
        become(plan, report[1]); // every other descriptor is O_CLOEXEC and closes on exec
    }
    ::close(log_fd);
    ::close(report[1]);
    ::close(go[0]);
    try {
        if (record) record(pid);
    } catch (...) {
        ::close(go[1]);
        ::close(report[0]);
        ::waitpid(pid, nullptr, 0);
        throw;
    }
    char byte = 1;
    bool released = ::write(go[1], &byte, 1) == 1;
    ::close(go[1]);
    std::string exec_error = read_exec_report(report[0]);
    if (!released || !exec_error.empty()) {
        ::waitpid(pid, nullptr, 0);
        throw Error("cannot start " + command.argv[0] + ": " + (released ? exec_error : std::string("the new process ended early")));
    }
    return pid;
}

char process_state(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(stat, text)) return '\0';
    auto close_paren = text.rfind(')');
    if (close_paren == std::string::npos || close_paren + 2 >= text.size()) return '\0';
    return text[close_paren + 2];
}

bool process_alive(pid_t pid) {
    if (pid <= 0) return false;
    ::waitpid(pid, nullptr, WNOHANG); // reap our own exited child so it does not look alive
    char state = process_state(pid);
    if (state == 'Z') {
        // A multi-threaded process (mariadbd) killed with SIGKILL: its leader is a zombie while the other
        // threads still exit and hold its files and sockets; it has ended only when they are gone.
        std::error_code ec;
        auto tasks = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec);
        return !ec && std::distance(tasks, std::filesystem::directory_iterator()) > 1;
    }
    return state != '\0' && state != 'X';
}

std::optional<unsigned long long> process_start_time(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text;
    if (!std::getline(stat, text)) return std::nullopt;
    auto close_paren = text.rfind(')');
    if (close_paren == std::string::npos) return std::nullopt;
    std::istringstream fields(text.substr(close_paren + 2));
    std::string field;
    for (int i = 3; i <= 22 && fields >> field; ++i)
        if (i == 22) return std::stoull(field);
    return std::nullopt;
}

bool wait_for_exit(pid_t pid, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (process_alive(pid)) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2)); // a server stopped immediately exits within milliseconds
    }
    return true;
}

std::vector<pid_t> process_tree(pid_t root) {
    std::multimap<pid_t, pid_t> children;
    if (DIR *proc = ::opendir("/proc")) {
        while (struct dirent *entry = ::readdir(proc)) {
            pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
            if (pid <= 0) continue;
            std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
            std::string text;
            if (!std::getline(stat, text)) continue;
            auto close_paren = text.rfind(')');
            if (close_paren == std::string::npos) continue;
            std::istringstream fields(text.substr(close_paren + 2));
            char state;
            pid_t ppid;
            if (fields >> state >> ppid) children.emplace(ppid, pid);
        }
        ::closedir(proc);
    }
    std::vector<pid_t> tree{root};
    for (size_t i = 0; i < tree.size(); ++i) {
        auto [begin, end] = children.equal_range(tree[i]);
        for (auto it = begin; it != end; ++it) tree.push_back(it->second);
    }
    return tree;
}

void exec_replace(const sdk::Command &command) {
    ChildPlan plan = plan_child(command);
    if (!plan.stdin_file.empty()) {
        int in = ::open(plan.stdin_file.c_str(), O_RDONLY);
        if (in < 0 || ::dup2(in, 0) < 0) throw Error("cannot open " + plan.stdin_file + ": " + std::strerror(errno));
    }
    if (!plan.cwd.empty() && ::chdir(plan.cwd.c_str()) != 0)
        throw Error("cannot change directory to " + plan.cwd + ": " + std::strerror(errno));
    ::execve(plan.program.c_str(), plan.argv.data(), plan.envp.data());
    throw Error("cannot run " + command.argv[0] + ": " + std::strerror(errno));
}

void spawn_background(const std::string &program, const std::vector<std::string> &args) {
    pid_t child = ::fork();
    if (child < 0) throw Error("cannot start " + program + " in the background: fork failed", "check the system's process limit");
    if (child != 0) {
        ::waitpid(child, nullptr, 0);
        return;
    }
    ::setsid();
    ::close_range(3, ~0U, 0);
    int null = ::open("/dev/null", O_RDWR);
    for (int fd = 0; fd <= 2; ++fd) ::dup2(null, fd);
    if (null > 2) ::close(null);
    if (::chdir("/") != 0) _exit(1);
    if (::fork() == 0) { // the grandchild is re-parented to init
        std::vector<char *> argv{const_cast<char *>(program.c_str())};
        for (const auto &arg : args) argv.push_back(const_cast<char *>(arg.c_str()));
        argv.push_back(nullptr);
        ::execv(program.c_str(), argv.data());
        _exit(127);
    }
    _exit(0);
}

} // namespace dspace
