// The environment commands run with against a space: its connection variables plus DSPACE_SPACE.
#pragma once

#include <dspace/core/space.hpp>

namespace dspace {

//! The flavour's connection variables for state's server, plus DSPACE_SPACE (used by exec, shell and seed commands).
sdk::Environment space_environment(SpaceManager &spaces, const SpaceState &state);

} // namespace dspace
