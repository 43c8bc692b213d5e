// Progress bars on stderr, drawn only when stderr is a terminal.
#pragma once

#include <dspace/sdk/host.hpp>

#include <chrono>
#include <string>

namespace dspace {

//! The sdk::Progress the host lends plugins: a one-line bar, redrawn at most 10 times a second,
//! shown only when stderr is a TTY and the task has lasted over a second.
class TerminalProgress final : public sdk::Progress {
public:
    TerminalProgress();
    void begin(std::string_view label, std::uint64_t total) override;
    void advance(std::uint64_t done) override;
    void end() override;

private:
    void draw(bool final);
    bool tty_;
    bool drawn_ = false;
    std::string label_;
    std::uint64_t total_ = 0, done_ = 0;
    std::chrono::steady_clock::time_point started_, last_draw_;
};

} // namespace dspace
