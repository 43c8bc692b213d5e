#include <dspace/core/progress.hpp>

#include <cstdio>
#include <unistd.h>

namespace dspace {

TerminalProgress::TerminalProgress() : tty_(::isatty(STDERR_FILENO) == 1) {}

void TerminalProgress::begin(std::string_view label, std::uint64_t total) {
    label_ = std::string(label);
    total_ = total;
    done_ = 0;
    drawn_ = false;
    started_ = last_draw_ = std::chrono::steady_clock::now();
}

void TerminalProgress::advance(std::uint64_t done) {
    done_ += done;
    auto now = std::chrono::steady_clock::now();
    if (now - started_ > std::chrono::seconds(1) && now - last_draw_ > std::chrono::milliseconds(100)) {
        last_draw_ = now;
        draw(false);
    }
}

void TerminalProgress::end() {
    if (drawn_) draw(true);
    drawn_ = false;
}

void TerminalProgress::draw(bool final) {
    if (!tty_) return;
    drawn_ = true;
    if (total_ > 0) {
        int percent = static_cast<int>(100.0 * static_cast<double>(std::min(done_, total_)) / static_cast<double>(total_));
        int filled = percent * 30 / 100;
        std::fprintf(stderr, "\r%s [%.*s%*s] %3d%%", label_.c_str(), filled, "==============================", 30 - filled, "", percent);
    } else {
        std::fprintf(stderr, "\r%s %llu", label_.c_str(), static_cast<unsigned long long>(done_));
    }
    if (final) std::fputc('\n', stderr);
    std::fflush(stderr);
}

} // namespace dspace
