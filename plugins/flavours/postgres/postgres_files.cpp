// Paths of the PostgreSQL programs, and files handed to the server's OS user.
#include "postgres.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

namespace dspace::postgres {

std::string bin_dir(const std::string &version) { return std::string(install_root) + "/" + version + "/bin"; }

std::string tool(const std::string &version, const std::string &program) { return bin_dir(version) + "/" + program; }

std::string connect_host(const std::string &listen_address) {
    if (listen_address.empty() || listen_address == "*" || listen_address == "0.0.0.0") return "127.0.0.1";
    if (listen_address == "::") return "::1";
    return listen_address;
}

sdk::Command admin_psql(const sdk::Server &server) {
    sdk::Command command;
    command.argv = {tool(server.version, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", server.run_dir,
                    "-p", std::to_string(server.port), "-U", superuser, "-d", "postgres"};
    command.run_as_user = server.os_user;
    command.cwd = "/";
    command.timeout = std::chrono::seconds(60);
    return command;
}

sdk::Status write_owned_file(const std::string &file, const std::string &content, const std::string &os_user) {
    std::string tmp = file + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return sdk::Status::failure("cannot write " + file + ": " + std::strerror(errno));
    bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
    if (ok && !os_user.empty() && ::geteuid() == 0) {
        struct passwd *pw = ::getpwnam(os_user.c_str());
        ok = pw != nullptr && ::fchown(fd, pw->pw_uid, pw->pw_gid) == 0;
    }
    ok = ::close(fd) == 0 && ok;
    if (!ok || ::rename(tmp.c_str(), file.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return sdk::Status::failure("cannot write " + file + " for the user '" + os_user + "': " + std::strerror(errno));
    }
    return {};
}

} // namespace dspace::postgres
