// The progress line of push and pull: bytes moved of the total, and the rate, on stderr when it is a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace dspace::transfer {

//! "pushing app/s1  12.3 / 165.4 MiB  45.6 MiB/s", redrawn at most 10 times a second once the work has lasted
//! over a second; nothing when stderr is not a terminal. The line is finished when it goes out of scope.
class ByteProgress {
public:
    //! Starts the line for total bytes.
    ByteProgress(std::string label, std::uint64_t total);
    ~ByteProgress();
    ByteProgress(const ByteProgress &) = delete;
    ByteProgress &operator=(const ByteProgress &) = delete;
    //! Adds bytes moved.
    void advance(std::uint64_t bytes);

private:
    void draw();
    bool tty_;
    bool drawn_ = false;
    std::string label_;
    std::uint64_t total_, done_ = 0;
    std::chrono::steady_clock::time_point started_, last_draw_;
};

} // namespace dspace::transfer
