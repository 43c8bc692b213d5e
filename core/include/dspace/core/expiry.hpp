// Spaces that end by themselves: `create --ttl` removes a space that long after creation, `--idle-stop` stops
// it after that long with no client connected. A detached watcher per space enforces both while it lives
// (no daemon to run), and every dspace command removes the spaces whose time is past.
#pragma once

#include <dspace/core/space.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dspace {

//! Seconds in a duration such as "30s", "10m", "2h", "7d" or "1h30m" (a bare number is seconds);
//! throws UsageError naming option for anything else or zero.
unsigned long long parse_duration(std::string_view text, std::string_view option);
//! "1h30m" for 5400 seconds: the shortest form parse_duration reads back.
std::string format_duration(unsigned long long seconds);
//! The ISO-8601 UTC time seconds from now ("2024-05-01T12:00:00Z").
std::string utc_after(unsigned long long seconds);
//! unix_seconds (since the epoch) as ISO-8601 UTC ("2024-05-01T12:00:00Z").
std::string utc_time(std::int64_t unix_seconds);
//! Seconds from now until the ISO-8601 UTC time iso (negative when past); 0 when iso cannot be read.
long long seconds_until(const std::string &iso);
//! True when state has a TTL or an idle stop to enforce.
bool has_expiry(const SpaceState &state);
//! Removes every space whose TTL has passed (stopping it cleanly); returns their names.
std::vector<std::string> remove_expired(SpaceManager &spaces);

//! True when a watcher process holds the watch lock of space name.
bool watcher_running(const SpaceManager &spaces, const std::string &name);
//! The watcher's loop for space name: stops it when idle_stop_seconds pass with no client connected, removes
//! it when its TTL passes. Returns when the space is gone, or stopped with no TTL left, or another watcher
//! holds the lock.
void watch_space(SpaceManager &spaces, const std::string &name);

} // namespace dspace
