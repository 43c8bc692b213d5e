#include <dspace/core/space_environment.hpp>

namespace dspace {

sdk::Environment space_environment(SpaceManager &spaces, const SpaceState &state) {
    sdk::Environment env = spaces.flavour(state).environment(spaces.server(state));
    env.emplace_back("DSPACE_SPACE", state.name);
    return env;
}

} // namespace dspace
