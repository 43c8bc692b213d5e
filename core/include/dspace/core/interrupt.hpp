// SIGINT and SIGTERM during long work (snapshot, copy): the work stops at the next check, its partial output is
// removed and the space's server brought back by the ordinary error paths, and the user is told.
#pragma once

#include <dspace/core/error.hpp>

#include <csignal>
#include <string>

namespace dspace {

//! Thrown at a check point after SIGINT/SIGTERM arrived inside an InterruptScope.
class Interrupted : public Error {
public:
    Interrupted() : Error("interrupted by a signal", "run the command again") {}
};

//! While alive, SIGINT and SIGTERM are caught instead of ending dspace: the next check point throws Interrupted
//! and programs run by the process runner are killed. Scopes nest; the outermost restores the old handlers.
class InterruptScope {
public:
    InterruptScope();
    ~InterruptScope();
    InterruptScope(const InterruptScope &) = delete;
    InterruptScope &operator=(const InterruptScope &) = delete;

private:
    struct sigaction old_int_ {}, old_term_ {};
    bool outermost_ = false;
};

//! Throws Interrupted when a signal arrived and was not yet acted on (then later signals are ignored while
//! the scope lives, so that cleanup can run programs undisturbed).
void check_interrupted();
//! True when a signal arrived and is not yet acted on: the process runner kills its program then.
bool interrupt_pending();
//! Marks a pending signal as acted on, before cleanup runs programs; true when a signal arrived in this scope.
bool take_interrupt();

} // namespace dspace
