// What the space verbs (space.cpp, connect.cpp) share: the manager, and a space as JSON or text.
#pragma once

#include <dspace/core/context.hpp>
#include <dspace/core/space.hpp>

#include <string>

namespace dspace::cli {

//! Whether a verb may create $DSPACE_HOME: read-only verbs create nothing when it is missing.
enum class Access { read_only, changes };

//! Removes the spaces whose TTL has passed (saying so on stderr) and starts the missing watchers of spaces
//! with a TTL or an idle stop (commands/expiry.cpp).
void keep_expiry(Context &context, SpaceManager &spaces);

//! A SpaceManager over the context's home, after making sure the home exists (unless access is read_only),
//! cleaning what interrupted commands left and enforcing expiries.
inline SpaceManager open_spaces(Context &context, Access access = Access::changes) {
    if (access == Access::changes) context.ensure_home();
    SpaceManager spaces(context.host(), context.plugins());
    spaces.recover_leftovers();
    keep_expiry(context, spaces);
    return spaces;
}


} // namespace dspace::cli
