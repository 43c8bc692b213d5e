// Interpolation search over sorted block ids, alternating with bisection.
#include "id_search.hpp"

#include <cstring>

namespace dspace::blocks {

namespace {

//! The first 8 bytes of an id as a big-endian number: ids and these keys sort alike.
std::uint64_t key_of(const unsigned char *id) {
    std::uint64_t key = 0;
    for (int i = 0; i < 8; ++i) key = key << 8 | id[i];
    return key;
}

} // namespace

std::optional<std::uint64_t> search_sorted_ids(const unsigned char *entries, std::uint64_t count, std::size_t stride, const BlockId &id) {
    const std::uint64_t target = key_of(id.data());
    auto at = [&](std::uint64_t i) { return entries + i * stride; };
    std::uint64_t low = 0, high = count; // the entry, if any, is in [low, high)
    bool guess = true;
    while (low < high) {
        std::uint64_t mid = low + (high - low) / 2;
        if (guess && high - low > 2) {
            std::uint64_t first = key_of(at(low)), last = key_of(at(high - 1));
            if (target < first || target > last) return std::nullopt;
            if (last > first)
                mid = low + std::uint64_t((unsigned __int128)(target - first) * (high - 1 - low) / (last - first));
        }
        guess = !guess;
        std::uint64_t key = key_of(at(mid));
        int order = key < target ? -1 : key > target ? 1 : std::memcmp(at(mid) + 8, id.data() + 8, id.size() - 8);
        if (order == 0) return mid;
        if (order < 0) low = mid + 1;
        else high = mid;
    }
    return std::nullopt;
}

} // namespace dspace::blocks
