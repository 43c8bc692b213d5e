// Programs connected by pipes, as a shell's `a | b` does, but from argv lists.
#include "child.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/process.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace dspace {

namespace {

//! Closes a descriptor once (ignores -1).
void close_fd(int &fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

//! Reads every descriptor in fds into its sink until all are closed.
void drain(std::vector<int> fds, std::vector<std::string *> sinks) {
    std::vector<struct pollfd> polled;
    for (int fd : fds) polled.push_back({fd, POLLIN, 0});
    size_t open_count = polled.size();
    while (open_count > 0) {
        if (::poll(polled.data(), polled.size(), -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (size_t i = 0; i < polled.size(); ++i) {
            if (polled[i].fd < 0 || !(polled[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[65536];
            ssize_t n = ::read(polled[i].fd, buf, sizeof buf);
            if (n > 0) sinks[i]->append(buf, static_cast<size_t>(n));
            else if (n == 0 || errno != EINTR) {
                ::close(polled[i].fd);
                polled[i].fd = -1;
                --open_count;
            }
        }
    }
}

sdk::ProcessResult wait_stage(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    sdk::ProcessResult result;
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    return result;
}

//! Runs feed(fd) on a thread that gets EPIPE instead of SIGPIPE when the reader is gone, then closes fd.
std::thread start_feeder(const StdinFeeder &feed, int fd) {
    return std::thread([&feed, fd] {
        sigset_t pipe_signal;
        sigemptyset(&pipe_signal);
        sigaddset(&pipe_signal, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
        feed(fd);
        ::close(fd);
    });
}

} // namespace

sdk::Result<PipelineResult> run_pipeline(const std::vector<sdk::Command> &commands, sdk::Logger *logger, const StdinFeeder &feed) {
    if (commands.empty()) return sdk::Status::failure("internal error: an empty pipeline");
    std::vector<ChildPlan> plans;
    try {
        for (const auto &command : commands) plans.push_back(plan_child(command));
    } catch (const Error &e) {
        return sdk::Status::failure(e.what(), e.hint());
    }
    size_t count = commands.size();
    std::vector<int> err_read(count, -1), err_write(count, -1);
    int feed_read = -1, feed_write = -1, out_read = -1, out_write = -1;
    auto cleanup = [&] {
        for (size_t i = 0; i < count; ++i) {
            close_fd(err_read[i]);
            close_fd(err_write[i]);
        }
        close_fd(feed_read);
        close_fd(feed_write);
        close_fd(out_read);
        close_fd(out_write);
    };
    auto make_pipe = [](int &read_end, int &write_end) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) return false;
        read_end = fds[0];
        write_end = fds[1];
        return true;
    };
    bool piped = !feed || make_pipe(feed_read, feed_write);
    for (size_t i = 0; piped && i < count; ++i) piped = make_pipe(err_read[i], err_write[i]);
    const std::string &last_file = commands.back().stdout_file;
    if (piped && last_file.empty()) piped = make_pipe(out_read, out_write);
    if (piped && !last_file.empty()) {
        out_write = ::open(last_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        piped = out_write >= 0;
    }
    if (!piped) {
        std::string why = std::strerror(errno);
        cleanup();
        return sdk::Status::failure("cannot set up the pipes of a pipeline: " + why);
    }

    std::vector<pid_t> pids;
    std::string start_error;
    int previous_read = feed_read; // what the next stage reads; -1 = its own stdin_file
    feed_read = -1;
    for (size_t i = 0; i < count && start_error.empty(); ++i) {
        int next_read = -1, this_write = out_write;
        if (i + 1 < count && !make_pipe(next_read, this_write)) {
            start_error = std::string("cannot create a pipe: ") + std::strerror(errno);
            break;
        }
        ChildPlan &plan = plans[i];
        plan.parent = ::getpid();
        plan.die_with_parent = true;
        plan.stdin_ready = previous_read >= 0;
        if (logger) logger->log(sdk::LogLevel::debug, "run (pipeline stage " + std::to_string(i + 1) + "): " + describe_command(commands[i]));
        int report[2];
        if (::pipe2(report, O_CLOEXEC) != 0) {
            start_error = std::string("cannot create a pipe: ") + std::strerror(errno);
            break;
        }
        pid_t pid = ::fork();
        if (pid == 0) {
            ::setpgid(0, 0);
            if (previous_read >= 0) ::dup2(previous_read, 0);
            ::dup2(this_write, 1);
            ::dup2(err_write[i], 2);
            become(plan, report[1]);
        }
        ::close(report[1]);
        if (pid < 0) {
            ::close(report[0]);
            start_error = std::string("cannot start a process: ") + std::strerror(errno);
        } else {
            pids.push_back(pid);
            std::string exec_error = read_exec_report(report[0]);
            if (!exec_error.empty()) start_error = "cannot start " + commands[i].argv[0] + ": " + exec_error;
        }
        close_fd(previous_read);
        close_fd(err_write[i]);
        if (this_write != out_write) ::close(this_write);
        previous_read = next_read;
    }
    close_fd(previous_read);
    close_fd(out_write);
    if (!start_error.empty()) {
        for (pid_t pid : pids) ::kill(-pid, SIGKILL);
        for (pid_t pid : pids) wait_stage(pid);
        cleanup();
        return sdk::Status::failure(start_error);
    }

    std::thread feeder;
    if (feed) {
        feeder = start_feeder(feed, feed_write);
        feed_write = -1; // the feeder closes it
    }
    PipelineResult result;
    result.stages.resize(count);
    std::vector<int> fds;
    std::vector<std::string *> sinks;
    for (size_t i = 0; i < count; ++i) {
        fds.push_back(err_read[i]);
        sinks.push_back(&result.stages[i].err);
        err_read[i] = -1;
    }
    if (out_read >= 0) {
        fds.push_back(out_read);
        sinks.push_back(&result.stages.back().out);
        out_read = -1;
    }
    drain(fds, sinks);
    for (size_t i = 0; i < count; ++i) {
        auto ended = wait_stage(pids[i]);
        result.stages[i].exit_code = ended.exit_code;
        result.stages[i].signal = ended.signal;
    }
    if (feeder.joinable()) feeder.join();
    cleanup();
    return result;
}

} // namespace dspace
