#include <dspace/core/interrupt.hpp>

#include <atomic>

namespace dspace {

namespace {

enum : int { no_scope = 0, armed = 1, pending = 2, acted_on = 3 };
std::atomic<int> interrupt_state{no_scope};
int scope_depth = 0;

extern "C" void on_interrupt(int) {
    int expected = armed;
    interrupt_state.compare_exchange_strong(expected, pending);
}

} // namespace

InterruptScope::InterruptScope() {
    if (scope_depth++ > 0) return;
    outermost_ = true;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // no SA_RESTART: blocking waits return EINTR and look at the state
    interrupt_state = armed;
    ::sigaction(SIGINT, &action, &old_int_);
    ::sigaction(SIGTERM, &action, &old_term_);
}

InterruptScope::~InterruptScope() {
    --scope_depth;
    if (!outermost_) return;
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
    interrupt_state = no_scope;
}

bool interrupt_pending() { return interrupt_state == pending; }

bool take_interrupt() {
    int expected = pending;
    interrupt_state.compare_exchange_strong(expected, acted_on);
    return interrupt_state == acted_on;
}

void check_interrupted() {
    int expected = pending;
    if (interrupt_state.compare_exchange_strong(expected, acted_on)) throw Interrupted();
}

} // namespace dspace
