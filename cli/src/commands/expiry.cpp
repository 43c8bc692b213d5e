// Expiry of spaces (--ttl, --idle-stop): starting their watchers, and the hidden verb a watcher runs.
#include "../command.hpp"
#include "self_invocation.hpp"
#include "space_common.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/expiry.hpp>
#include <dspace/core/process.hpp>

#include <spdlog/spdlog.h>

#include <iostream>

namespace dspace::cli {

namespace {

//! The verb a watcher runs; hidden from `dspace --help`.
const char *const watch_verb = "_watch";

//! Starts the watcher of a space in the background, with this invocation's plugin options.
void start_watcher(Context &context, const std::string &name) {
    std::vector<std::string> args = self_invocation(context, watch_verb);
    args.push_back(name);
    std::string program = args.front();
    spawn_background(program, std::vector<std::string>(args.begin() + 1, args.end()));
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
