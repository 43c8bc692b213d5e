// Queuing a push to run in the background (`dspace push --background`, `dspace snapshot NAME SNAP --push`).
#pragma once

#include "self_invocation.hpp"

#include <dspace/core/push_queue.hpp>

#include <iostream>

namespace dspace::cli {

//! The hidden verb a background push's worker runs.
inline const char *const push_worker_verb = "_push";

//! Starts pushing space/snap to remote in a detached worker and says so; returns at once.
inline void start_background_push(Context &context, const std::string &space, const std::string &snap, const Remote &remote) {
    PushQueue queue(context.host().paths().home());
    queue.start(space, snap, remote, self_invocation(context, push_worker_verb));
    std::cout << "pushing " << space << "/" << snap << " to '" << remote.name << "' in the background (`dspace push --status` shows how far it got)\n";
}

} // namespace dspace::cli
