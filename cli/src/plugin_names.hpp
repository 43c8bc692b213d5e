// The names of the loaded plugins, for help texts (never a hard-coded list of the shipped ones).
#pragma once

#include <dspace/core/context.hpp>

#include <string>

namespace dspace::cli {

//! The loaded objects of kind ("flavour", "migrator", "snapshotter") as "a|b|c", sorted; "none" when none is loaded.
inline std::string loaded_names_text(Context &context, const std::string &kind, const std::string &separator = "|") {
    std::string out;
    for (const auto &name : context.plugins().loaded_names(kind)) out += (out.empty() ? "" : separator) + name;
    return out.empty() ? "none" : out;
}

} // namespace dspace::cli
