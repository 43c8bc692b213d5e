// Expiry of spaces (--ttl, --idle-stop): starting their watchers, and the hidden verb a watcher runs.
#include "../command.hpp"
#include "space_common.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/expiry.hpp>

#include <spdlog/spdlog.h>

#include <climits>
#include <iostream>
#include <unistd.h>

namespace dspace::cli {

namespace {

//! The verb a watcher runs; hidden from `dspace --help`.
const char *const watch_verb = "_watch";

//! This program's own file, so a watcher runs the same dspace.
std::string own_program() {
    char path[PATH_MAX];
    ssize_t length = ::readlink("/proc/self/exe", path, sizeof path - 1);
    if (length <= 0) throw Error("cannot find the dspace program in /proc/self/exe to start an expiry watcher");
    return std::string(path, static_cast<size_t>(length));
}

//! Starts the watcher of a space in the background, with this invocation's plugin options.
void start_watcher(Context &context, const std::string &name) {
    std::vector<std::string> args{"--quiet"};
    for (const auto &file : context.options().plugins.explicit_files) args.insert(args.end(), {"--plugin", file.string()});
    for (const auto &dir : context.options().plugins.dirs) args.insert(args.end(), {"--plugin-dir", dir.string()});
    args.insert(args.end(), {watch_verb, name});
    spawn_watcher_process(own_program(), args);
}

int run_watch(Context &context, const std::vector<std::string> &args) {
    if (args.size() != 1) throw UsageError("usage: dspace _watch NAME (started by dspace itself)");
    SpaceManager spaces(context.host(), context.plugins());
    watch_space(spaces, args.front());
    return exit_ok;
}

} // namespace

void keep_expiry(Context &context, SpaceManager &spaces) {
    for (const auto &name : remove_expired(spaces)) std::cerr << "dspace: removed space '" << name << "': its TTL has passed\n";
    for (const auto &state : spaces.list()) {
        bool pending = !state.expires.empty() || (state.idle_stop_seconds > 0 && spaces.status(state) != SpaceStatus::stopped);
        if (pending && !watcher_running(spaces, state.name)) start_watcher(context, state.name);
    }
}

void add_expiry_commands(std::vector<Command> &table) {
    table.push_back({watch_verb, "", run_watch});
}

} // namespace dspace::cli
