// Removing spaces, and cleaning up what interrupted commands left behind.
#include "internal.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/names.hpp>

#include <spdlog/spdlog.h>

namespace dspace {

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
        if (auto marker = read_marker(dir); marker && marker->server > 0 && same_process_alive(marker->server, marker->server_start))
            kill_tree(marker->server); // an interrupted create: its marker names the server it started
    fs::remove_tree(dir);
}

void SpaceManager::recover_leftovers() {
    std::error_code ec;
    auto spaces = host_.paths().spaces_dir();
    if (!std::filesystem::is_directory(spaces, ec)) return;
    FileLock home(host_.paths().home_lock(), "the dspace home");
    for (const auto &entry : std::filesystem::directory_iterator(spaces, ec)) {
        std::string name = entry.path().filename().string();
        // Hidden entries belong to other commands' own temporary work; only space directories are checked here.
        if (!name_problem(name).empty() || !entry.is_directory(ec) || exists(name)) continue;
        auto marker = read_marker(entry.path());
        if (marker && same_process_alive(marker->creator, marker->creator_start)) continue; // a create in progress
        if (marker && marker->server > 0 && same_process_alive(marker->server, marker->server_start)) kill_tree(marker->server);
        spdlog::info("removing {}: left by an interrupted create", entry.path().string());
        fs::remove_tree(entry.path());
    }
}

} // namespace dspace
