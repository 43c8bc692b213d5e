// The progress bar the host lends plugins, drawn on a pseudo-terminal: nothing for the first second, then the
// share of the total done (advance() adds units), a finished line at the end; nothing at all off a terminal.
#include <dspace/core/progress.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <fcntl.h>
#include <pty.h>
#include <string>
#include <thread>
#include <unistd.h>

using dspace::TerminalProgress;

namespace {

//! A pseudo-terminal: what is written to its terminal side is read back from the other.
struct PseudoTerminal {
    int reader = -1, terminal = -1;
    PseudoTerminal() {
        REQUIRE(::openpty(&reader, &terminal, nullptr, nullptr, nullptr) == 0);
        REQUIRE(::fcntl(reader, F_SETFL, O_NONBLOCK) == 0);
    }
    ~PseudoTerminal() {
        ::close(reader);
        ::close(terminal);
    }
    //! What was drawn since the last call.
    std::string drawn() const {
        std::string out;
        char buffer[4096];
        for (ssize_t n; (n = ::read(reader, buffer, sizeof buffer)) > 0;) out.append(buffer, std::size_t(n));
        return out;
    }
};

void wait_past_first_second() { std::this_thread::sleep_for(std::chrono::milliseconds(1050)); }

} // namespace

TEST_CASE("progress: a bar on a terminal shows the share of the units added, after its first second") {
    PseudoTerminal pty;
    TerminalProgress progress(pty.terminal);
    progress.begin("copying", 8);
    progress.advance(1);
    CHECK(pty.drawn().empty()); // short work draws nothing
    wait_past_first_second();
    progress.advance(1); // 2 of 8 units, added one by one
    std::string drawn = pty.drawn();
    CHECK(drawn.find("copying [=======") != std::string::npos);
    CHECK(drawn.find(" 25%") != std::string::npos);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    progress.advance(6);
    progress.end();
    drawn = pty.drawn();
    CHECK(drawn.find("100%") != std::string::npos);
    REQUIRE_FALSE(drawn.empty());
    CHECK(drawn.back() == '\n'); // the line is finished
}

TEST_CASE("progress: nothing is drawn when the output is not a terminal") {
    int pipe_ends[2];
    REQUIRE(::pipe2(pipe_ends, O_NONBLOCK) == 0);
    {
        TerminalProgress progress(pipe_ends[1]);
        progress.begin("copying", 2);
        wait_past_first_second();
        progress.advance(2);
        progress.end();
    }
    char byte;
    CHECK(::read(pipe_ends[0], &byte, 1) == -1);
    ::close(pipe_ends[0]);
    ::close(pipe_ends[1]);
}

TEST_CASE("progress: a line of bytes shows the bytes done of the total and the rate") {
    PseudoTerminal pty;
    TerminalProgress progress(pty.terminal, TerminalProgress::Show::bytes);
    progress.begin("pushing app/s1", 4 << 20);
    wait_past_first_second();
    progress.advance(1 << 20);
    progress.end();
    std::string drawn = pty.drawn();
    CHECK(drawn.find("pushing app/s1  1.0 / 4.0 MiB  ") != std::string::npos);
    CHECK(drawn.find(" MiB/s") != std::string::npos);
}
