// Looking a block id up in a pack index: entries sorted by their 32-byte SHA-256, which are uniformly spread, so
// an interpolation guess lands near the entry in a few probes. Guesses alternate with halvings, so crafted ids
// (a pushed pack whose ids crowd together) cost at most twice a binary search.
#pragma once

#include "block_hash.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace dspace::blocks {

//! The index of id among count entries of stride bytes at entries (each starting with a 32-byte id, sorted by it),
//! or nothing when it is not there.
std::optional<std::uint64_t> search_sorted_ids(const unsigned char *entries, std::uint64_t count, std::size_t stride, const BlockId &id);

} // namespace dspace::blocks
