// Running external programs: argv only, never a shell. Used by the core and,
// through sdk::ProcessRunner, by every plugin.
#pragma once

#include <dspace/sdk/host.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace dspace {

//! An OS account looked up by name.
struct OsUser {
    std::string name;  //!< login name
    uid_t uid = 0;     //!< user id
    gid_t gid = 0;     //!< primary group id
    std::string home;  //!< home directory
};

//! Looks up a user by name; nullopt when there is none.
std::optional<OsUser> find_os_user(const std::string &name);
//! Looks up a user by name; throws Error with a hint when there is none.
OsUser os_user(const std::string &name);

//! The process runner behind sdk::ProcessRunner.
class ProcessRunnerImpl final : public sdk::ProcessRunner {
public:
    //! logger receives each command line (secrets masked) at debug level; may be null.
    explicit ProcessRunnerImpl(sdk::Logger *logger) : logger_(logger) {}
    sdk::Result<sdk::ProcessResult> run(const sdk::Command &command) override;
    std::string find_program(std::string_view name, const std::vector<std::string> &extra_dirs) override;

private:
    sdk::Logger *logger_;
};

//! How each program of a pipeline ended, first stage first.
struct PipelineResult {
    std::vector<sdk::ProcessResult> stages; //!< one per command, in order; the last one's out holds the pipeline's output
    //! True when every stage exited with status 0.
    bool succeeded() const {
        for (const auto &stage : stages)
            if (!stage.succeeded()) return false;
        return !stages.empty();
    }
};

//! Writes what a pipeline's first program reads on its stdin into fd (which the caller closes afterwards).
//! Runs on its own thread; a write failing with EPIPE means the program stopped reading.
using StdinFeeder = std::function<void(int fd)>;

//! Runs commands as `a | b | …` without a shell: each stage's stdout feeds the next stage's stdin. Each stage's
//! stderr is captured, and the last stage's stdout (or written to its stdout_file). The first stage reads what
//! feed writes when feed is set, else its stdin_file. Stages are helpers that die with dspace; their timeouts are
//! not applied. logger (may be null) gets each command line, secrets masked. Fails only when a stage could not
//! be started (the stages already started are then killed).
sdk::Result<PipelineResult> run_pipeline(const std::vector<sdk::Command> &commands, sdk::Logger *logger,
                                         const StdinFeeder &feed = {});

//! Starts command as a detached server: own session, stdin from /dev/null,
//! stdout and stderr appended to log_file, no other descriptors inherited, working directory command.cwd.
//! The child waits before exec until record(pid) has returned, so a caller killed at any moment never
//! leaves a server it did not record (a child whose parent died before that exits instead of exec).
//! Returns its pid; throws Error when it cannot be started (or rethrows what record threw, the child killed).
pid_t spawn_detached(const sdk::Command &command, const std::string &log_file,
                     const std::function<void(pid_t)> &record = {});

//! Starts `program args...` fully detached and returns at once: own session, no inherited descriptors (so no
//! locks), stdio on /dev/null, cwd /; re-parented to init (nothing to reap).
void spawn_background(const std::string &program, const std::vector<std::string> &args);
//! True when pid exists and is not a zombie (reaps it when it is our child).
bool process_alive(pid_t pid);
//! The kernel's start time of pid (clock ticks since boot), to tell a reused pid apart; nullopt when gone.
std::optional<unsigned long long> process_start_time(pid_t pid);
//! Waits until pid has exited; false when it still runs after timeout.
bool wait_for_exit(pid_t pid, std::chrono::milliseconds timeout);
//! pid and all its descendants, parents before children.
std::vector<pid_t> process_tree(pid_t pid);
//! The one-letter state of pid from /proc (R, S, T, Z, …); '\0' when gone.
char process_state(pid_t pid);
//! Replaces the current process with command (used by `dspace shell` and `exec`); throws Error if exec fails.
[[noreturn]] void exec_replace(const sdk::Command &command);
//! The command line as text for logs, with every secret replaced by ***.
std::string describe_command(const sdk::Command &command);

//! True for a variable that picks a database server or its credentials for client programs (PGHOST, MYSQL_PWD…): a
//! shell that ran `eval "$(dspace env A)"` holds space A's, so programs dspace starts never inherit them (a command
//! sets its own through Command::env).
bool is_connection_variable(std::string_view name);

} // namespace dspace
