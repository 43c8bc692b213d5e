// The plugin search order (docs/ARCHITECTURE.md, "Plugin host").
#include <dspace/core/config.hpp>
#include <dspace/core/paths.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/core/plugin_install.hpp>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <unistd.h>

namespace dspace {

namespace {

std::filesystem::path executable_dir() {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path{} : exe.parent_path();
}

} // namespace

std::filesystem::path user_plugin_dir(const Paths &paths) { return paths.plugins_dir() / DSPACE_SDK_ABI_MAJOR_TEXT; }

std::filesystem::path system_plugin_dir() {
    auto exe = executable_dir();
    if (exe.empty()) return DSPACE_INSTALL_PLUGIN_DIR;
    return (exe / ".." / "lib" / "dspace" / "plugins" / DSPACE_SDK_ABI_MAJOR_TEXT).lexically_normal();
}

std::vector<std::filesystem::path> plugin_search_dirs(const PluginSearchOptions &options, const Config &config, const Paths &paths) {
    std::vector<std::filesystem::path> dirs = options.dirs;
    if (const char *env = std::getenv("DSPACE_PLUGIN_PATH")) {
        std::stringstream split(env);
        for (std::string dir; std::getline(split, dir, ':');)
            if (!dir.empty()) dirs.emplace_back(dir);
    }
    for (const auto &dir : config.get_list("plugins.search_paths")) dirs.emplace_back(dir);
    dirs.push_back(user_plugin_dir(paths));
    if (!executable_dir().empty()) dirs.push_back(system_plugin_dir());
    dirs.emplace_back(DSPACE_INSTALL_PLUGIN_DIR);

    std::vector<std::filesystem::path> unique;
    for (auto &dir : dirs) {
        std::error_code ec;
        auto canonical = std::filesystem::weakly_canonical(std::filesystem::absolute(dir), ec);
        if (ec) canonical = dir;
        if (std::find(unique.begin(), unique.end(), canonical) == unique.end()) unique.push_back(canonical);
    }
    return unique;
}

} // namespace dspace
