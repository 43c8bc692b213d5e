// "Did you mean …?" for a mistyped word: the closest of a list of known words.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dspace {

//! The edit (Levenshtein) distance between a and b: insertions, deletions and substitutions of one character.
std::size_t edit_distance(std::string_view a, std::string_view b);
//! The candidate closest to word when it is close enough to be a likely typo (at most a third of word's length
//! apart, and at least 1 edit allowed), as a sentence "did you mean 'x'?"; empty otherwise.
std::string did_you_mean(std::string_view word, const std::vector<std::string> &candidates);

} // namespace dspace
