// Durations as users type them: 90s, 15m, 2h, 7d (and combinations like 1h30m).
#pragma once

#include <chrono>
#include <string_view>

namespace dspace {

//! Parses a duration such as "30s", "15m", "2h", "7d" or "1h30m"; throws UsageError naming the text otherwise.
std::chrono::seconds parse_duration(std::string_view text);

} // namespace dspace
