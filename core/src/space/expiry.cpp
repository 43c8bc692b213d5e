#include <dspace/core/error.hpp>
#include <dspace/core/expiry.hpp>

#include <spdlog/spdlog.h>

#include <cctype>
#include <ctime>

namespace dspace {

unsigned long long parse_duration(std::string_view text, std::string_view option) {
    auto bad = [&] {
        return UsageError(std::string(option) + " takes a duration such as 30s, 10m, 2h, 7d or 1h30m, not '" + std::string(text) + "'",
                          "units: s (seconds), m (minutes), h (hours), d (days)");
    };
    unsigned long long total = 0, number = 0;
    bool digits = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (std::isdigit(static_cast<unsigned char>(c))) {
            if (number > 1'000'000'000ULL) throw bad();
            number = number * 10 + static_cast<unsigned long long>(c - '0');
            digits = true;
            continue;
        }
        unsigned long long unit = c == 's' ? 1 : c == 'm' ? 60 : c == 'h' ? 3600 : c == 'd' ? 86400 : 0;
        if (unit == 0 || !digits) throw bad();
        total += number * unit;
        number = 0;
        digits = false;
    }
    total += number; // a trailing bare number counts as seconds
    if (text.empty() || total == 0) throw bad();
    return total;
}

std::string format_duration(unsigned long long seconds) {
    std::string text;
    for (auto [unit, letter] : {std::pair{86400ULL, 'd'}, {3600ULL, 'h'}, {60ULL, 'm'}, {1ULL, 's'}}) {
        if (seconds >= unit) text += std::to_string(seconds / unit) + letter;
        seconds %= unit;
    }
    return text.empty() ? "0s" : text;
}

std::string utc_after(unsigned long long seconds) { return utc_time(std::int64_t(std::time(nullptr)) + std::int64_t(seconds)); }

std::string utc_time(std::int64_t unix_seconds) {
    std::time_t when = static_cast<std::time_t>(unix_seconds);
    std::tm tm {};
    ::gmtime_r(&when, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

long long seconds_until(const std::string &iso) {
    std::tm tm {};
    const char *end = ::strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end != '\0') return 0;
    return static_cast<long long>(::timegm(&tm)) - static_cast<long long>(std::time(nullptr));
}

bool has_expiry(const SpaceState &state) { return !state.expires.empty() || state.idle_stop_seconds > 0; }

std::vector<std::string> remove_expired(SpaceManager &spaces) {
    std::vector<std::string> removed;
    for (const auto &state : spaces.list()) {
        if (state.expires.empty() || seconds_until(state.expires) > 0) continue;
        try {
            spaces.remove(state.name, false);
            removed.push_back(state.name);
        } catch (const Error &e) {
            if (spaces.exists(state.name)) spdlog::warn("space '{}' expired but could not be removed: {}", state.name, e.what());
        }
    }
    return removed;
}

} // namespace dspace
