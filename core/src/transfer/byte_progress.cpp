#include "byte_progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace dspace::transfer {

namespace {

double mebibytes(std::uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

} // namespace

ByteProgress::ByteProgress(std::string label, std::uint64_t total)
    : tty_(::isatty(STDERR_FILENO) == 1), label_(std::move(label)), total_(total),
      started_(std::chrono::steady_clock::now()), last_draw_(started_) {}

ByteProgress::~ByteProgress() {
    if (!drawn_) return;
    draw();
    std::fputc('\n', stderr);
    std::fflush(stderr);
}

void ByteProgress::advance(std::uint64_t bytes) {
    done_ += bytes;
    auto now = std::chrono::steady_clock::now();
    if (tty_ && now - started_ > std::chrono::seconds(1) && now - last_draw_ > std::chrono::milliseconds(100)) {
        last_draw_ = now;
        draw();
    }
}

void ByteProgress::draw() {
    drawn_ = true;
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    std::fprintf(stderr, "\r%s  %.1f / %.1f MiB  %.1f MiB/s  ", label_.c_str(), mebibytes(done_), mebibytes(total_),
                 seconds > 0 ? mebibytes(done_) / seconds : 0.0);
    std::fflush(stderr);
}

} // namespace dspace::transfer
