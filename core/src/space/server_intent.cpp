// Operations that stop, start, freeze or thaw a space's server for the time of their work bring it back to how
// it was: at once when they end, fail or are interrupted, and from the recorded intent after a SIGKILL.
//
// spaces/<name>/.server-intent holds "<status before> <change>", written before the change and removed when
// the server is back.
#include "internal.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/interrupt.hpp>

#include <spdlog/spdlog.h>

#include <sstream>

namespace dspace {

namespace {

const char *change_name(ServerChange change) {
    switch (change) {
    case ServerChange::stop: return "stop";
    case ServerChange::start: return "start";
    case ServerChange::freeze: return "freeze";
    case ServerChange::thaw: return "thaw";
    }
    return "stop";
}

} // namespace

void SpaceManager::restore_status_locked(SpaceState &state, SpaceStatus before) {
    SpaceStatus now = status(state);
    if (now == before) return;
    if (before == SpaceStatus::stopped) return stop_locked(state, false);
    if (now == SpaceStatus::stopped) start_locked(state);
    if (before == SpaceStatus::paused) freeze_locked(state);
    else thaw_locked(state);
}

void SpaceManager::with_server_changed_locked(SpaceState &state, ServerChange change, const std::function<void()> &fn) {
    auto intent = space_dir(state.name) / space_files::intent;
    SpaceStatus before = status(state);
    fs::write_file_atomic(intent, std::string(to_string(before)) + " " + change_name(change) + "\n", 0600);
    try {
        switch (change) {
        case ServerChange::stop: stop_locked(state, false); break;
        case ServerChange::start: start_locked(state); break;
        case ServerChange::freeze: freeze_locked(state); break;
        case ServerChange::thaw: thaw_locked(state); break;
        }
        fn();
    } catch (...) {
        take_interrupt(); // programs run while the server is brought back must not be stopped
        restore_status_locked(state, before);
        std::filesystem::remove(intent);
        throw;
    }
    try {
        restore_status_locked(state, before);
    } catch (...) {
        if (!take_interrupt()) throw; // a failure: the intent stays, and the next command brings the server back
        // A signal stopped it: the signal is acted on now, so bringing the server back runs undisturbed.
        restore_status_locked(state, before);
        std::filesystem::remove(intent);
        throw;
    }
    std::filesystem::remove(intent);
}

void SpaceManager::recover_intent_locked(const std::string &name) {
    auto intent = space_dir(name) / space_files::intent;
    std::istringstream recorded(fs::read_file(intent));
    std::string before, change;
    recorded >> before >> change;
    SpaceState state = load(name);
    SpaceStatus wanted = before == "running" ? SpaceStatus::running : before == "paused" ? SpaceStatus::paused : SpaceStatus::stopped;
    try {
        // A kill during a clean stop leaves the server shutting down: let it finish before starting it again.
        if (change == "stop" && status(state) != SpaceStatus::stopped) stop_locked(state, false);
        restore_status_locked(state, wanted);
        spdlog::warn("space '{}' was left changed by an interrupted snapshot or copy; it is {} again, as before", name, before);
    } catch (const Error &e) {
        spdlog::warn("space '{}' was left changed by an interrupted dspace command and could not be brought back to {}: {}", name, before, e.what());
    }
    std::filesystem::remove(intent);
}

} // namespace dspace
