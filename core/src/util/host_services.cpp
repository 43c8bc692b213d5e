#include <dspace/core/fs.hpp>
#include <dspace/core/host_services.hpp>

#include <unistd.h>

namespace dspace {

HostServices::HostServices(Paths paths, Config &config) : paths_(std::move(paths)), config_(config) {}

std::string HostServices::cache_dir(std::string_view plugin) {
    auto dir = paths_.plugin_cache_dir(std::string(plugin));
    fs::make_private_dir(dir);
    return dir.string();
}

bool HostServices::running_as_root() const { return ::geteuid() == 0; }

} // namespace dspace
