// The migration head a snapshot records: asked of the migrator the space was last migrated with.
#include "migrate_files.hpp"

#include <dspace/core/migrate.hpp>

#include <spdlog/spdlog.h>

namespace dspace {

std::pair<std::string, std::string> read_migration_head(HostServices &host, PluginHost &plugins, SpaceManager &spaces,
                                                        const SpaceState &state) {
    try {
        MigrateOptions options;
        options.space = state.name;
        if (auto last = load_last_migrate(host.paths(), state.name)) {
            options.tool = last->tool;
            options.folder = last->folder;
            options.changelog = last->changelog;
        } else {
            options.tool = host.config().get("migrate.tool").value_or("");
            options.folder = host.config().get("migrate.folder").value_or("");
        }
        if (options.tool.empty()) return {};
        sdk::Migrator *migrator = plugins.try_migrator(options.tool);
        if (!migrator) {
            spdlog::info("no migration head recorded: migrator {} is not loaded", options.tool);
            return {options.tool, ""};
        }
        if (spaces.status(state) != SpaceStatus::running) {
            spdlog::info("no migration head recorded: space '{}' is not running", state.name);
            return {options.tool, ""};
        }
        auto head = migrator->current_head(host, build_migration_request(spaces, state, options));
        if (!head) {
            spdlog::warn("no migration head recorded: {}", head.status().message());
            return {options.tool, ""};
        }
        return {options.tool, head.value()};
    } catch (const std::exception &e) {
        spdlog::warn("no migration head recorded: {}", e.what());
        return {};
    }
}

} // namespace dspace
