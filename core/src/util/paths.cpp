#include <dspace/core/names.hpp>
#include <dspace/core/paths.hpp>

#include <cstdlib>
#include <pwd.h>
#include <unistd.h>

namespace dspace {

std::filesystem::path Paths::default_home() {
    if (const char *home = std::getenv("DSPACE_HOME"); home != nullptr && *home != '\0')
        return std::filesystem::absolute(home);
    // As root, servers run as unprivileged users that could not pass through /root (0700).
    if (::geteuid() == 0) return "/var/lib/dataspace";
    const char *user_home = std::getenv("HOME");
    if (user_home == nullptr || *user_home == '\0') {
        struct passwd *pw = ::getpwuid(::getuid());
        user_home = pw ? pw->pw_dir : "/tmp";
    }
    return std::filesystem::path(user_home) / ".dataspace";
}

std::filesystem::path Paths::child(const std::filesystem::path &parent, std::string_view name, std::string_view what) {
    validate_name(name, what);
    return parent / std::string(name);
}

} // namespace dspace
