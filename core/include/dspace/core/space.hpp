// Spaces: one database server per name, its persisted state and its lifecycle.
//
// The state of a space lives in $DSPACE_HOME/spaces/<name>/:
//   space.json  SpaceState (0600, written atomically)
//   data/       the server's data directory
//   run/        socket and pid files (private to the server's OS user)
//   logs/server.log
//   lock        flock serialising every command that changes the space
#pragma once

#include <dspace/core/host_services.hpp>
#include <dspace/core/lock.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/core/server_identity.hpp>
#include <dspace/sdk/server.hpp>

#include <chrono>
#include <functional>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <string_view>
#include <utility>
#include <vector>

namespace dspace {

//! Whether a space's server runs.
enum class SpaceStatus { running, paused, stopped };
//! "running", "paused" or "stopped".
const char *to_string(SpaceStatus status);

//! How an operation changes a space's server for the time of its work.
enum class ServerChange { stop, start, freeze, thaw };

//! What space.json holds.
struct SpaceState {
    std::string name;                 //!< the space's name
    std::string flavour;              //!< flavour plugin name
    std::string version;              //!< server version
    int port = 0;                     //!< TCP port, kept for the life of the space
    std::string listen_address;       //!< "127.0.0.1" unless --listen
    std::string os_user;              //!< OS user the server runs as; empty = the user running dspace
    std::string user;                 //!< database user
    std::string password;             //!< its password (secret)
    std::string database;             //!< initial database
    pid_t pid = 0;                    //!< server pid while started, else 0
    unsigned long long pid_start_time = 0; //!< kernel start time of pid, to detect a reused pid after a reboot
    std::string created;              //!< ISO-8601 UTC creation time
    std::string from_snapshot;        //!< "SPACE/SNAP" when created from a snapshot, else empty
    std::vector<std::pair<std::string, std::string>> settings; //!< the space's own server settings (--set), in order
    std::string expires;              //!< ISO-8601 UTC time at which the space is removed (--ttl); empty = never
    unsigned long long idle_stop_seconds = 0; //!< stop after this long with no client connected (--idle-stop); 0 = never
};

//! space.json's text for state (pretty JSON, includes the password: write it 0600 only).
std::string state_to_json(const SpaceState &state);
//! Parses space.json's text; origin names the file in the Error thrown for bad JSON or missing keys.
SpaceState state_from_json(std::string_view text, const std::string &origin);

//! One space directory as `list` shows it: its state, or why its state file cannot be read.
struct SpaceEntry {
    std::string name;                //!< the directory's name
    std::optional<SpaceState> state; //!< empty when the state file is damaged
    std::string damage;              //!< why it is damaged (the Error's message), when state is empty
};

//! Options of `dspace create`.
struct CreateOptions {
    std::string name;             //!< new space's name
    std::string flavour;          //!< flavour name
    std::string version;          //!< server version; empty = newest installed
    int port = 0;                 //!< 0 = pick a free one
    std::string listen_address;   //!< empty = config spaces.listen_address or 127.0.0.1
    std::string user;             //!< empty = "dspace"
    std::string password;         //!< empty = random
    std::string database;         //!< empty = the space's name
    std::vector<std::pair<std::string, std::string>> settings; //!< server settings, over config flavours.<f>.settings
    unsigned long long ttl_seconds = 0;       //!< remove the space this long after creation; 0 = never
    unsigned long long idle_stop_seconds = 0; //!< stop it after this long with no client; 0 = never
    bool temporary = false;       //!< belongs to this process: once it has died, the next command removes the space
};

//! Manages spaces: state files, server processes, locks. Every method that changes a space takes its lock.
class SpaceManager {
public:
    SpaceManager(HostServices &host, PluginHost &plugins);

    //! Creates, starts and waits for a new space; leaves nothing behind on failure or interruption.
    SpaceState create(const CreateOptions &options);
    //! Creates a stopped space whose data directory is filled by fill(data_dir) instead of a template copy,
    //! with the state (flavour, version, credentials) of like; then starts it. Used by copy and --from-snapshot.
    SpaceState create_from(const CreateOptions &options, const SpaceState &like,
                           const std::function<void(const std::filesystem::path &data_dir)> &fill);
    //! Fills dir (empty or missing) with a fresh cluster for state's flavour and version: a copy of the cached
    //! template (made on first use), owned by the server's OS user and configured for state.
    void init_data_dir(const SpaceState &state, const std::filesystem::path &dir);
    //! Starts a temporary server for state on data_dir and a free port, with state's credentials created,
    //! runs fn with it, then stops it cleanly (also when fn throws). Used for logical restores.
    void with_server_on(const SpaceState &state, const std::filesystem::path &data_dir,
                        const std::function<void(const sdk::Server &)> &fn);
    //! Gives data_dir (restored data made by owner's user) state's credentials through the flavour's Rekey
    //! capability, on a temporary server; throws Error when the flavour has none.
    void rekey_data(const SpaceState &state, const std::filesystem::path &data_dir, const SpaceState &owner);
    //! True when state's flavour can give restored data new credentials (it provides Rekey).
    bool can_rekey(const SpaceState &state) const;

    //! True when a space of that name exists (complete state file).
    bool exists(const std::string &name) const;
    //! Reads a space's state; throws Error with a hint (`dspace list`) when there is none.
    SpaceState load(const std::string &name) const;
    //! Writes a space's state atomically.
    void save(const SpaceState &state) const;
    //! Every readable space, sorted by name; a damaged one is left out (entries() shows it).
    std::vector<SpaceState> list() const;
    //! Every space with a state file, sorted by name, damaged ones included with the reason.
    std::vector<SpaceEntry> entries() const;
    //! The names of every directory in spaces/ that may be a space (valid name, real directory), sorted.
    std::vector<std::string> names() const;
    //! Current status from the process table: stopped unless the recorded pid proves to be the space's server.
    SpaceStatus status(const SpaceState &state) const;
    //! The identity the recorded server of state must prove before dspace signals it.
    ServerIdentity identity(const SpaceState &state) const;
    //! The path of the server program of state's flavour; empty when the flavour is not loaded.
    std::string server_program(const SpaceState &state) const;
    //! The space's data directory.
    std::filesystem::path data_dir(const std::string &name) const;
    //! The space's directory.
    std::filesystem::path space_dir(const std::string &name) const;
    //! Takes the space's lock (waits up to 30 s); throws Error when the space's directory is a symbolic link.
    FileLock lock(const std::string &name) const;
    //! The sdk::Server view of a space, for plugins.
    sdk::Server server(const SpaceState &state) const;
    //! The flavour plugin of a space.
    sdk::Flavour &flavour(const SpaceState &state) const;
    //! The URL `create` and `status` print, never holding the password: the flavour's DisplayUrl, else its
    //! DATABASE_URL with the password removed, else <flavour>://<address>:<port>. Empty when the flavour is not loaded.
    std::string display_url(const SpaceState &state) const;

    // Lifecycle. Callers that already hold the lock use the *_locked forms.
    void start(const std::string &name);                     //!< starts a stopped space and waits until it accepts connections
    void stop(const std::string &name, bool immediate = false); //!< clean shutdown (immediate: as fast as possible)
    void pause(const std::string &name);                     //!< freezes every server process
    void resume(const std::string &name);                    //!< thaws them
    void remove(const std::string &name, bool force);        //!< stops and deletes the space (not its snapshots)
    void start_locked(SpaceState &state);                    //!< start, lock held
    void stop_locked(SpaceState &state, bool immediate);     //!< stop, lock held; also thaws a paused server first
    void freeze_locked(const SpaceState &state);             //!< SIGSTOP the postmaster then each child, lock held
    void thaw_locked(const SpaceState &state);               //!< SIGCONT them, lock held

    //! Runs fn with state's server changed (stopped, started, frozen or thawed; lock held), then brings it back
    //! to how it was, also when fn throws or dspace is interrupted. An intent file written before the change
    //! lets the next command bring the server back after a SIGKILL (recover_leftovers).
    void with_server_changed_locked(SpaceState &state, ServerChange change, const std::function<void()> &fn);

    //! Removes what an interrupted create/copy/rollback/rm left and the temporary spaces of dead processes, and
    //! brings back the server of a space whose snapshot or copy was killed (called at the start of every command).
    void recover_leftovers();

    //! The OS user a new space of flavour runs as: empty unless root; else config
    //! flavours.<flavour>.server_user or the flavour's default_server_user().
    std::string server_os_user(sdk::Flavour &flavour) const;
    //! The version to use: requested (exact, or a prefix like "15" of "15.4"), or the newest installed;
    //! throws Error listing the installed versions (or the install hint when there are none).
    std::string choose_version(sdk::Flavour &flavour, const std::string &requested) const;

private:
    //! Starts a temporary server for state on data_dir and a free port, runs prepare then fn with it, and stops it
    //! cleanly (also when either throws).
    void with_temp_server(const SpaceState &state, const std::filesystem::path &data_dir,
                          const std::function<void(const sdk::Server &)> &prepare,
                          const std::function<void(const sdk::Server &)> &fn);
    //! Kills a server of srv's data dir that dspace lost track of (same program, working in that very data
    //! directory) and waits for srv's port to be free.
    void release_port(const SpaceState &state, const sdk::Server &srv) const;
    //! Configures srv's data dir, spawns its server as state.os_user in srv's data directory, calls on_spawn(pid)
    //! before the server program runs (to record it), waits until it is ready (killing it when it is not) and
    //! returns its pid.
    pid_t launch(const SpaceState &state, const sdk::Server &srv, const std::function<void(pid_t)> &on_spawn);
    //! Reserves name and port under the home lock: makes the space dir with a creating marker.
    SpaceState reserve(const CreateOptions &options, sdk::Flavour &flavour, const std::string &version);
    //! Builds a reserved space: fill data, start, optionally create credentials, then write space.json.
    SpaceState build(SpaceState state, const std::function<void(const std::filesystem::path &)> &fill,
                     bool create_credentials);
    //! Brings state's server to status before (start, stop, freeze or thaw), lock held.
    void restore_status_locked(SpaceState &state, SpaceStatus before);
    //! Brings back the server of space name as its intent file records, then removes the file; lock held.
    void recover_intent_locked(const std::string &name);
    //! Removes the temporary space name whose owner died (a failure is logged: the next command tries again).
    void remove_abandoned_temporary(const std::string &name);
    //! recover_intent_locked, unless another command holds the space's lock (then it is still at work).
    void recover_intent_if_idle(const std::string &name);
    //! Makes the directories a server user other than us must traverse (home, spaces/, cache/) mode 0711.
    void open_home_for(const std::string &os_user) const;

    HostServices &host_;
    PluginHost &plugins_;
};

} // namespace dspace
