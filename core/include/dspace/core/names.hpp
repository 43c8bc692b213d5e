// Validation of user-chosen names (spaces, snapshots, plugins): a valid name is one path component that stays
// in its directory. Paths (paths.hpp) validates every name it turns into a path.
#pragma once

#include <string>
#include <string_view>

namespace dspace {

//! Empty when name is a valid space or snapshot name (letters, digits, '-', '_', 1 to 63 characters,
//! starting with a letter or digit, not a reserved verb); otherwise why it is not.
std::string name_problem(std::string_view name);
//! Throws UsageError when name is invalid; what is "space", "snapshot" or "plugin" for the message (plugin
//! names may be reserved words: they are never read where a verb could be).
void validate_name(std::string_view name, std::string_view what);

} // namespace dspace
