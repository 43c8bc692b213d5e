#include <dspace/core/progress.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace dspace {

namespace {

double mebibytes(std::uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

} // namespace

TerminalProgress::TerminalProgress(int fd, Show show) : fd_(fd), show_(show), tty_(::isatty(fd) == 1) {}

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
    char shown[96];
    if (show_ == Show::bytes) {
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
        std::snprintf(shown, sizeof shown, "  %.1f / %.1f MiB  %.1f MiB/s  ", mebibytes(done_), mebibytes(total_),
                      seconds > 0 ? mebibytes(done_) / seconds : 0.0);
    } else if (total_ > 0) {
        int percent = static_cast<int>(100.0 * static_cast<double>(std::min(done_, total_)) / static_cast<double>(total_));
        int filled = percent * 30 / 100;
        std::snprintf(shown, sizeof shown, " [%.*s%*s] %3d%%", filled, "==============================", 30 - filled, "", percent);
    } else {
        std::snprintf(shown, sizeof shown, " %llu", static_cast<unsigned long long>(done_));
    }
    std::string line = "\r" + label_ + shown + (final ? "\n" : "");
    (void)!::write(fd_, line.data(), line.size()); // a progress line that cannot be drawn is not an error
}

} // namespace dspace
