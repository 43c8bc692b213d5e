// Text from users and the file system made safe to print.
#pragma once

#include <string>
#include <string_view>

namespace dspace {

//! text with every byte that is not part of valid UTF-8, and every control character but newline and tab,
//! written as \xNN, so a bad name shows what it holds and cannot drive the terminal.
std::string printable(std::string_view text);

} // namespace dspace
