// dspace plugin SDK: the services the host gives every plugin.
//
// A plugin never links against the dspace core; it receives a Host& on every
// call and reaches logging, process spawning, progress, paths and configuration
// through it. The host implements these interfaces. Within a major SDK version
// they only grow by appending virtual functions at the end (no overloads).
#pragma once

#include "export.hpp"
#include "status.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dspace::sdk {

//! Severity of a log message.
enum class LogLevel : std::uint8_t { debug = 0, info = 1, warn = 2, error = 3 };

//! Writes to dspace's log (file, and stderr when verbose). Never pass secrets.
class DSPACE_SDK_VISIBLE Logger {
public:
    virtual ~Logger() = default;
    //! Logs one message at the given level.
    virtual void log(LogLevel level, std::string_view message) = 0;
};

//! One external program to run: an argv, never a shell command line.
struct Command {
    std::vector<std::string> argv;                           //!< argv[0] is the program (a path, or a name looked up in PATH)
    std::vector<std::pair<std::string, std::string>> env;    //!< variables added to (or replacing) the inherited environment
    std::string cwd;                                         //!< working directory; empty keeps the caller's
    std::string run_as_user;                                 //!< run as this user (host must be root); empty = current user
    std::string stdin_file;                                  //!< file to read stdin from; empty = /dev/null
    std::string stdout_file;                                 //!< write stdout to this file instead of capturing it
    bool stream_output = false;                              //!< pass stdout/stderr through to the user's terminal instead of capturing
    std::chrono::milliseconds timeout{0};                    //!< kill the process after this long; 0 = no limit
    std::vector<std::string> secrets;                        //!< values to mask as *** wherever the command is logged
};

//! How a finished program ended and what it printed.
struct ProcessResult {
    int exit_code = -1;      //!< exit status, or -1 when killed by a signal
    int signal = 0;          //!< the signal that ended it, or 0
    bool timed_out = false;  //!< true when the host killed it for exceeding its timeout
    std::string out;         //!< captured stdout (empty when streamed or redirected)
    std::string err;         //!< captured stderr (empty when streamed)
    //! True when the program exited with status 0.
    bool succeeded() const { return exit_code == 0 && signal == 0 && !timed_out; }
};

//! Runs external programs for plugins (argv only, never through a shell).
class DSPACE_SDK_VISIBLE ProcessRunner {
public:
    virtual ~ProcessRunner() = default;
    //! Runs the command to completion. Fails only when it could not be started.
    virtual Result<ProcessResult> run(const Command &command) = 0;
    //! Finds a program by name in PATH (and the extra directories); empty when absent.
    virtual std::string find_program(std::string_view name, const std::vector<std::string> &extra_dirs) = 0;
};

//! Reports progress of long work; the host draws a bar on a terminal only.
class DSPACE_SDK_VISIBLE Progress {
public:
    virtual ~Progress() = default;
    //! Starts a task; total is in units (bytes, files), 0 when unknown.
    virtual void begin(std::string_view label, std::uint64_t total) = 0;
    //! Adds done units to the current task.
    virtual void advance(std::uint64_t done) = 0;
    //! Ends the current task.
    virtual void end() = 0;
};

//! Read-only view of dspace's configuration (config.json), by dotted key.
class DSPACE_SDK_VISIBLE ConfigView {
public:
    virtual ~ConfigView() = default;
    //! The value of a key such as "flavours.postgres.server_user", as text; nullopt when unset.
    virtual std::optional<std::string> get(std::string_view key) const = 0;
};

//! Everything the host lends a plugin for the duration of a call.
class DSPACE_SDK_VISIBLE Host {
public:
    virtual ~Host() = default;
    //! dspace's logger.
    virtual Logger &logger() = 0;
    //! The process runner every plugin must use to start programs.
    virtual ProcessRunner &processes() = 0;
    //! Progress reporting for long work.
    virtual Progress &progress() = 0;
    //! The configuration, read-only.
    virtual const ConfigView &config() const = 0;
    //! $DSPACE_HOME, the root of dspace's state.
    virtual std::string home_dir() const = 0;
    //! A directory for the plugin's caches ($DSPACE_HOME/cache/<plugin>), created on demand.
    virtual std::string cache_dir(std::string_view plugin) = 0;
    //! True when dspace runs as root (servers must then run as an unprivileged user).
    virtual bool running_as_root() const = 0;

    // Since SDK 1.1. The host implements this class, so it grows by appending virtual functions here.

    //! Writes content to path atomically (temporary file, fsync, rename) with mode, owned by os_user
    //! (empty: the user running dspace). Never follows a symlink at path, at its temporary file or in
    //! the last directory; the directory must exist. Use it for every file in a server-owned directory.
    virtual Status write_private_file(std::string_view path, std::string_view content, unsigned mode,
                                      std::string_view os_user) = 0;
};

//! Reports one task on Progress for as long as it lives: begin() now, end() on every path out.
class ProgressTask {
public:
    //! Begins a task of total units (0 when unknown).
    ProgressTask(Progress &progress, std::string_view label, std::uint64_t total) : progress_(progress) {
        progress_.begin(label, total);
    }
    ~ProgressTask() { progress_.end(); }
    ProgressTask(const ProgressTask &) = delete;
    ProgressTask &operator=(const ProgressTask &) = delete;
    //! Adds done units.
    void advance(std::uint64_t done) { progress_.advance(done); }

private:
    Progress &progress_;
};

//! One external tool a plugin needs, as found (or not) on this machine.
struct ToolProbe {
    std::string tool;          //!< program name, e.g. "pg_ctl"
    bool found = false;        //!< true when it was found
    std::string version;       //!< its version when found
    std::string path;          //!< where it was found
    bool required = true;      //!< false when the plugin works without it (reduced)
    std::string install_hint;  //!< how to install it, e.g. "apt-get install postgresql"
};

} // namespace dspace::sdk
