// Removing spaces, and cleaning up what interrupted commands left behind.
//
// rm renames spaces/<name>/ to the tombstone spaces/.deleted-<pid>-<start>-<name> (after stopping the server)
// and then deletes it, so a kill leaves the space either listed and intact or gone; a tombstone whose deleter
// died is deleted by the next command.
#include "internal.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/names.hpp>
#include <dspace/core/process.hpp>

#include <spdlog/spdlog.h>

#include <optional>

namespace dspace {

namespace {

constexpr std::string_view tombstone_prefix = ".deleted-";

//! The tombstone name for a space deleted by this process.
std::string tombstone_name(const std::string &space) { return std::string(tombstone_prefix) + process_token() + "-" + space; }

//! True when entry is a tombstone whose deleter has died.
bool abandoned_tombstone(const std::string &entry) {
    return entry.rfind(tombstone_prefix, 0) == 0 && token_process_gone(std::string_view(entry).substr(tombstone_prefix.size()));
}

//! Stops the temporary servers (`.server-*` in space_dir) whose dspace died, and removes their scratch directories.
void stop_abandoned_temp_servers(const std::filesystem::path &space_dir) {
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(space_dir, ec)) {
        if (entry.path().filename().string().rfind(space_files::temp_server_prefix, 0) != 0) continue;
        auto marker = read_marker(entry.path());
        if (!marker || !stop_if_abandoned(*marker)) continue;
        spdlog::info("removing {}: left by an interrupted restore", entry.path().string());
        fs::remove_tree(entry.path());
    }
}

} // namespace

void SpaceManager::remove(const std::string &name, bool force) {
    validate_name(name, "space");
    auto dir = space_dir(name);
    std::error_code ec;
    if (!exists(name) && !(force && std::filesystem::is_directory(dir, ec))) load(name); // throws "no space named ..."
    if (force && !fs::is_real_dir(dir)) return fs::remove_tree(dir); // a link planted in spaces/: unlinked, never followed
    FileLock held = lock(name);
    std::optional<SpaceState> state;
    try {
        state = load(name);
    } catch (const Error &e) {
        if (!force) throw;
        // A damaged state file proves nothing about its pid: no process is signalled on its word.
        spdlog::warn("removing space '{}' whose state is damaged, without stopping a server: {}", name, e.what());
    }
    try {
        if (state) stop_locked(*state, force);
    } catch (const Error &e) {
        if (!force) throw;
        spdlog::warn("removing space '{}' without a clean stop: {}", name, e.what());
    }
    if (!exists(name))
        if (auto marker = read_marker(dir); marker && is_our_server(marker->server_identity()))
            kill_tree(marker->server); // an interrupted create: its marker names the server it started
    stop_abandoned_temp_servers(dir);
    auto tombstone = host_.paths().spaces_dir() / tombstone_name(name);
    fs::rename_durable(dir, tombstone); // from here on the space is gone, whatever happens to this process
    fs::remove_tree(tombstone);
}

void SpaceManager::recover_intent_if_idle(const std::string &name) {
    std::optional<FileLock> held;
    try {
        held.emplace(space_dir(name) / space_files::lock, "space '" + name + "'", std::chrono::milliseconds(0));
    } catch (const Error &) {
        return; // the command that wrote the intent is still at work
    }
    recover_intent_locked(name);
}

void SpaceManager::remove_abandoned_temporary(const std::string &name) {
    spdlog::info("removing temporary space '{}': the command it belonged to was killed", name);
    try {
        remove(name, true);
    } catch (const Error &e) {
        spdlog::warn("temporary space '{}' was left by a killed command but could not be removed: {}", name, e.what());
    }
}

void SpaceManager::recover_leftovers() {
    std::error_code ec;
    auto spaces = host_.paths().spaces_dir();
    if (!std::filesystem::is_directory(spaces, ec)) return;
    FileLock home(host_.paths().home_lock(), "the dspace home");
    for (const auto &entry : std::filesystem::directory_iterator(spaces, ec)) {
        std::string name = entry.path().filename().string();
        if (!entry.is_directory(ec)) continue;
        if (abandoned_tombstone(name)) {
            spdlog::info("finishing the removal of {}", entry.path().string());
            fs::remove_tree(entry.path());
            continue;
        }
        // Other hidden entries belong to other commands' own temporary work; only space directories are checked here.
        if (!name_problem(name).empty()) continue;
        stop_abandoned_temp_servers(entry.path());
        if (exists(name)) {
            if (owner_gone(entry.path())) remove_abandoned_temporary(name);
            else if (std::filesystem::exists(entry.path() / space_files::intent, ec)) recover_intent_if_idle(name);
            continue;
        }
        auto marker = read_marker(entry.path());
        if (marker && !stop_if_abandoned(*marker)) continue; // a create in progress
        spdlog::info("removing {}: left by an interrupted create", entry.path().string());
        fs::remove_tree(entry.path());
    }
}

} // namespace dspace
