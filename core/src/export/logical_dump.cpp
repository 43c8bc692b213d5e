// A space's database dumped through its flavour's LogicalDump capability.
#include <dspace/core/error.hpp>
#include <dspace/core/logical_dump.hpp>
#include <dspace/sdk/flavour_capabilities.hpp>

namespace dspace {

void dump_space_database(HostServices &host, PluginHost &plugins, SpaceManager &spaces, const SpaceState &state,
                         const std::filesystem::path &out_file) {
    auto *logical = plugins.capability<sdk::LogicalDump>(state.flavour);
    if (!logical)
        throw Error("flavour '" + state.flavour + "' cannot make logical dumps",
                    "use a physical copy instead (`dspace snapshot`, or `dspace export --format pgdata|tar`)");
    sdk::Command command = logical->dump_command(spaces.server(state), state.database, out_file.string());
    auto result = host.processes().run(command);
    std::error_code ec;
    if (!result || !result->succeeded()) {
        std::string why = !result ? result.status().message() : result->err;
        std::filesystem::remove(out_file, ec);
        throw Error("dumping space '" + state.name + "' failed: " + why, "check that the space runs: `dspace status " + state.name + "`");
    }
    std::filesystem::permissions(out_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
    if (ec) throw Error("cannot make the dump " + out_file.string() + " private: " + ec.message());
}

} // namespace dspace
