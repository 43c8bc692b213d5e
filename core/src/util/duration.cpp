#include <dspace/core/duration.hpp>
#include <dspace/core/error.hpp>

#include <cctype>
#include <string>

namespace dspace {

std::chrono::seconds parse_duration(std::string_view text) {
    auto bad = [&] {
        return UsageError("'" + std::string(text) + "' is not a duration", "write a number and a unit: 90s, 15m, 2h, 7d, or 1h30m");
    };
    if (text.empty()) throw bad();
    long long total = 0;
    size_t i = 0;
    while (i < text.size()) {
        size_t start = i;
        long long value = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
            value = value * 10 + (text[i] - '0');
            if (value > 100'000'000) throw bad();
            ++i;
        }
        if (i == start || i == text.size()) throw bad();
        switch (text[i++]) {
        case 's': total += value; break;
        case 'm': total += value * 60; break;
        case 'h': total += value * 3600; break;
        case 'd': total += value * 86400; break;
        default: throw bad();
        }
    }
    return std::chrono::seconds(total);
}

} // namespace dspace
