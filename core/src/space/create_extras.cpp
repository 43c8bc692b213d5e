#include "create_extras.hpp"

#include <dspace/core/expiry.hpp>
#include <dspace/core/server_settings.hpp>

namespace dspace {

void apply_create_extras(SpaceState &state, const CreateOptions &options, const sdk::ConfigView &config) {
    state.settings = merge_settings(configured_settings(config, state.flavour), options.settings);
    check_settings(state.flavour, state.settings);
    if (options.ttl_seconds > 0) state.expires = utc_after(options.ttl_seconds);
    state.idle_stop_seconds = options.idle_stop_seconds;
}

} // namespace dspace
