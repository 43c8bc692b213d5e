#include <dspace/core/fs.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/host_services.hpp>
#include <dspace/core/private_file.hpp>
#include <dspace/core/process.hpp>

#include <unistd.h>

namespace dspace {

HostServices::HostServices(Paths paths, Config &config) : paths_(std::move(paths)), config_(config) {}

std::string HostServices::cache_dir(std::string_view plugin) {
    auto dir = paths_.plugin_cache_dir(std::string(plugin));
    fs::make_private_dir(dir);
    return dir.string();
}

bool HostServices::running_as_root() const { return ::geteuid() == 0; }

sdk::Status HostServices::write_private_file(std::string_view path, std::string_view content, unsigned mode,
                                             std::string_view os_user) {
    try {
        uid_t uid = ::geteuid();
        gid_t gid = ::getegid();
        if (!os_user.empty()) {
            auto user = dspace::os_user(std::string(os_user));
            uid = user.uid;
            gid = user.gid;
        }
        fs::write_private_file(std::string(path), content, mode, uid, gid);
        return {};
    } catch (const Error &e) {
        return sdk::Status::failure(e.what(), e.hint());
    }
}

} // namespace dspace
