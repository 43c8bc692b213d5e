// Paths of the PostgreSQL programs, and the administrative client.
#include "postgres.hpp"


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

} // namespace dspace::postgres
