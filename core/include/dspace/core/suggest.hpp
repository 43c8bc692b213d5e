// "Did you mean": the known word closest to a mistyped one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dspace {

//! The candidate closest to word by edit distance (insertions, deletions, substitutions, swaps of neighbours),
//! when it is close enough to be a typo (or word is a prefix of exactly that candidate); empty otherwise.
std::string did_you_mean(std::string_view word, const std::vector<std::string> &candidates);

} // namespace dspace
