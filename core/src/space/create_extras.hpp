// What create adds to a new space's state beyond its server: settings and expiry.
#pragma once

#include <dspace/core/space.hpp>
#include <dspace/sdk/host.hpp>

namespace dspace {

//! Sets state's settings (config flavours.<flavour>.settings under options.settings, checked), its expiry
//! time (options.ttl_seconds from now) and its idle stop.
void apply_create_extras(SpaceState &state, const CreateOptions &options, const sdk::ConfigView &config);

} // namespace dspace
