#include <dspace/core/context.hpp>
#include <dspace/core/lock.hpp>
#include <dspace/core/fs.hpp>

namespace dspace {

Context::Context(GlobalOptions options) : options_(std::move(options)) {
    Paths paths(Paths::default_home());
    config_ = std::make_unique<Config>(paths.config_file());
    std::error_code ec;
    init_logging(options_.verbosity, std::filesystem::is_directory(paths.home(), ec) ? paths.logs_dir() : std::filesystem::path{});
    config_->load();
    host_ = std::make_unique<HostServices>(paths, *config_);
}

Context::~Context() = default;

PluginHost &Context::plugins() {
    if (!plugins_) {
        plugins_ = std::make_unique<PluginHost>();
        plugins_->load(options_.plugins, plugin_search_dirs(options_.plugins, *config_, paths()));
    }
    return *plugins_;
}

void Context::ensure_home() {
    const Paths &p = paths();
    for (const auto &dir : {p.home(), p.logs_dir(), p.plugins_dir(), p.cache_dir(), p.spaces_dir(), p.snapshots_dir()})
        fs::make_home_dir(dir);
}

bool Context::edit_config(const std::function<bool(Config &)> &change) {
    ensure_home();
    FileLock lock(paths().home_lock(), "the dspace home " + paths().home().string());
    config_->load();
    bool changed = change(*config_);
    if (changed) config_->save();
    return changed;
}

} // namespace dspace
