// Helpers shared by the space implementation files (not part of the core's interface).
#pragma once

#include <dspace/core/server_identity.hpp>
#include <dspace/core/space.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace dspace {

//! Names of the files and directories inside a space directory.
namespace space_files {
inline constexpr const char *state = "space.json";     //!< the state; written last on create
inline constexpr const char *lock = "lock";            //!< the space's flock
inline constexpr const char *creating = ".creating";   //!< marker of a create in progress (or of a temporary server)
inline constexpr const char *intent = ".server-intent"; //!< how to bring the server back after a killed snapshot/copy
inline constexpr const char *temp_server_prefix = ".server-"; //!< scratch directory of a temporary server
inline constexpr const char *owner = ".owner";           //!< the process a temporary space belongs to (process_token)
} // namespace space_files

//! Who is building a space (or running a temporary server) and which server it started: lets recover_leftovers
//! tell a live create from a dead one, and stop the dead one's server only when its identity is proven.
struct CreatingMarker {
    pid_t creator = 0;                        //!< the dspace process creating the space
    unsigned long long creator_start = 0;     //!< its kernel start time
    pid_t server = 0;                         //!< the server it started, or 0
    unsigned long long server_start = 0;      //!< that server's start time
    int port = 0;                             //!< the port reserved for the space
    std::string program;                      //!< the server's program
    std::string data_dir;                     //!< the server's data directory
    //! The identity the recorded server must prove before it is signalled.
    ServerIdentity server_identity() const { return {server, server_start, program, data_dir}; }
};

//! Writes the marker into dir.
void write_marker(const std::filesystem::path &dir, const CreatingMarker &marker);
//! Reads dir's marker; nullopt when there is none or it is unreadable.
std::optional<CreatingMarker> read_marker(const std::filesystem::path &dir);
//! True when pid runs and started at start_time (0 never matches): a dspace process still at work.
bool same_process_alive(pid_t pid, unsigned long long start_time);
//! "<pid>-<start time>" of this process: names what it alone works on (tombstones, partial outputs, owners).
std::string process_token();
//! True when text starts with a process_token whose process has died (text without one: true, nobody to wait for).
bool token_process_gone(std::string_view text);
//! True when the space in dir belongs to a process (CreateOptions::temporary) that has died.
bool owner_gone(const std::filesystem::path &dir);
//! True when the marker's creator has died; then kills its server if the server's identity is proven.
bool stop_if_abandoned(const CreatingMarker &marker);
//! Kills pid and all its descendants with SIGKILL (thawing them first) and waits for pid to end.
void kill_tree(pid_t pid);

//! uid and gid for os_user (empty = the current user).
struct Owner {
    uid_t uid;
    gid_t gid;
};
//! The owner ids of os_user; throws Error when the user does not exist.
Owner owner_of(const std::string &os_user);
//! Creates dir (parents must exist) with mode and hands it to owner.
void make_owned_dir(const std::filesystem::path &dir, unsigned mode, Owner owner);
//! Copies the tree from into to (to must not exist), keeping modes and giving every entry to owner. Every read
//! and write is checked: on failure (a full disk) the partial copy is removed and Error names the file.
//! copied, when given, is told the size of each file once it is copied (for progress).
void copy_tree_owned(const std::filesystem::path &from, const std::filesystem::path &to, Owner owner,
                     const std::function<void(std::uint64_t bytes)> &copied = {});
//! Fills dir (which must not exist) from the template cluster cached: takes its ready spare copy when there is
//! one owned by owner that matches its completeness marker (a rename; an incomplete spare is discarded), else
//! copies it; then refills the spare in a detached background process.
void fill_from_template(const std::filesystem::path &cached, const std::filesystem::path &dir, Owner owner);
//! Number of regular files and their total size below root (links not followed): what a complete copy holds.
struct TreeStats {
    std::uint64_t files = 0; //!< regular files
    std::uint64_t bytes = 0; //!< their sizes added up
    bool operator==(const TreeStats &other) const { return files == other.files && bytes == other.bytes; }
};
//! The TreeStats of root (zeros when it is missing).
TreeStats tree_stats(const std::filesystem::path &root);
//! Throws Error with a hint when some directory from / down to dir cannot be traversed by os_user.
void check_reachable(const std::filesystem::path &dir, const std::string &os_user);

//! A random password of letters and digits.
std::string random_password();
//! A random hex suffix for temporary names.
std::string random_token();
//! Now as ISO-8601 UTC ("2024-05-01T12:00:00Z").
std::string utc_now();

} // namespace dspace

namespace dspace {

//! How to stop one server: its flavour (nullptr when its plugin is not loaded: SIGTERM) and, when the flavour
//! provides one, its clean stop command for srv.
struct StopMethod {
    sdk::Flavour *flavour = nullptr;          //!< the server's flavour, or nullptr
    sdk::StopCommand *stop_command = nullptr; //!< the flavour's StopCommand capability, or nullptr
    sdk::Server server;                       //!< the running server (for the stop command)
};
//! The StopMethod of the server srv of flavour (nullptr when not loaded).
StopMethod stop_method(const PluginHost &plugins, sdk::Flavour *flavour, const sdk::Server &srv);
//! Stops the server pid cleanly: the flavour's stop command when it has one (a failure is logged), else its clean
//! signal; or, when immediate, its immediate signal. Escalates to the immediate signal and then SIGKILL when it does not end.
void shutdown_server(HostServices &host, pid_t pid, const StopMethod &how, bool immediate);
//! Waits until the server of srv accepts connections; throws Error (with the log's last lines) when it
//! exits or is not ready within the time limit.
void wait_until_ready(HostServices &host, sdk::Flavour &flavour, const sdk::Server &srv, pid_t pid);
//! Removes everything inside dir (sockets and pid files a dead server left), creating dir when missing.
void empty_dir(const std::filesystem::path &dir, unsigned mode, Owner owner);

} // namespace dspace
