// What the space verbs (space.cpp, connect.cpp) share: the manager, and a space as JSON or text.
#pragma once

#include <dspace/core/context.hpp>
#include <dspace/core/space.hpp>

#include <string>

namespace dspace::cli {

//! A SpaceManager over the context's home, after making sure the home exists and cleaning what interrupted commands left.
inline SpaceManager open_spaces(Context &context) {
    context.ensure_home();
    SpaceManager spaces(context.host(), context.plugins());
    spaces.recover_leftovers();
    return spaces;
}


} // namespace dspace::cli
