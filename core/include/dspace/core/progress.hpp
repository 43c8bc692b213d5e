// Progress lines on stderr, drawn only when stderr is a terminal.
#pragma once

#include <dspace/sdk/host.hpp>

#include <chrono>
#include <string>

namespace dspace {

//! The sdk::Progress the host lends plugins, and push and pull's: one line, redrawn at most 10 times a second,
//! shown only on a terminal once the task has lasted over a second, and finished when the task ends.
class TerminalProgress final : public sdk::Progress {
public:
    //! What the line shows.
    enum class Show {
        bar,  //!< "label [=======       ]  25%" (the done units when there is no total)
        bytes //!< "label  12.3 / 165.4 MiB  45.6 MiB/s": units are bytes
    };
    //! Draws on fd (stderr by default) when it is a terminal.
    explicit TerminalProgress(int fd = 2, Show show = Show::bar);
    void begin(std::string_view label, std::uint64_t total) override;
    void advance(std::uint64_t done) override;
    void end() override;

private:
    void draw(bool final);
    int fd_;
    Show show_;
    bool tty_;
    bool drawn_ = false;
    std::string label_;
    std::uint64_t total_ = 0, done_ = 0;
    std::chrono::steady_clock::time_point started_, last_draw_;
};

} // namespace dspace
