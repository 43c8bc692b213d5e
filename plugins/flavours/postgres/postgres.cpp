// PostgreSQL: finding versions, initialising and configuring clusters, running the server.
#include "postgres.hpp"

#include <cstdio>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace dspace::postgres {

namespace {

constexpr const char *install_hint = "install the PostgreSQL server: apt-get install postgresql";
constexpr const char *include_line = "include_if_exists = 'dspace.conf'";

//! Numeric ordering of versions such as "9.6" < "15" < "16".
bool newer(const std::string &a, const std::string &b) {
    std::istringstream sa(a), sb(b);
    int x = 0, y = 0;
    char dot;
    while (true) {
        bool ga = static_cast<bool>(sa >> x), gb = static_cast<bool>(sb >> y);
        if (!ga || !gb) return ga && !gb;
        if (x != y) return x > y;
        sa >> dot;
        sb >> dot;
    }
}

std::string quoted(const std::string &value) {
    std::string out = "'";
    for (char c : value) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

bool is_loopback(const std::string &address) { return address == "127.0.0.1" || address == "::1" || address == "localhost"; }

} // namespace

std::vector<sdk::ToolProbe> PostgresFlavour::probe(sdk::Host &host) {
    auto versions = installed_versions(host);
    std::vector<std::string> dirs;
    if (!versions.empty()) dirs.push_back(bin_dir(versions.front()));
    std::vector<sdk::ToolProbe> probes;
    for (const char *program : {"postgres", "initdb", "psql", "pg_isready"})
        probes.push_back(sdk::probe_tool(host, program, install_hint, dirs));
    for (const char *program : {"pg_dump", "pg_restore"})
        probes.push_back(sdk::probe_tool(host, program, "install the PostgreSQL client: apt-get install postgresql-client", dirs, false));
    return probes;
}

std::vector<std::string> PostgresFlavour::installed_versions(sdk::Host &) {
    std::vector<std::string> versions;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(install_root, ec)) {
        std::string version = entry.path().filename().string();
        if (std::filesystem::is_regular_file(entry.path() / "bin" / "postgres", ec) &&
            std::filesystem::is_regular_file(entry.path() / "bin" / "initdb", ec))
            versions.push_back(version);
    }
    std::sort(versions.begin(), versions.end(), newer);
    return versions;
}

sdk::Status PostgresFlavour::init_cluster(sdk::Host &host, const sdk::Server &server) {
    sdk::Command initdb;
    initdb.argv = {tool(server.version, "initdb"), "-D", server.data_dir, "-U", superuser, "-E", "UTF8", "--locale=C.UTF-8",
                   "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync",
                   "--data-checksums", // the server itself finds damage inside a page (a restored file, a bad disk)
                   "--wal-segsize=1"}; // 1 MiB WAL segments: a new space copies 1 MiB of WAL, not 16
    initdb.run_as_user = server.os_user;
    initdb.cwd = "/";
    initdb.timeout = std::chrono::minutes(5);
    auto ran = host.processes().run(initdb);
    if (!ran) return ran.status();
    if (!ran->succeeded())
        return sdk::Status::failure("initdb failed: " + ran->err, "check that " + server.data_dir + " is writable by the server's OS user");
    if (auto made = create_initial_database(host, server); !made) return made;
    return include_dspace_conf(host, server);
}

sdk::Status PostgresFlavour::include_dspace_conf(sdk::Host &host, const sdk::Server &server) {
    // The settings of each space come from dspace.conf, written by configure(). A data directory made
    // elsewhere (`dspace create --from`) gets the include line on its first start, and one whose configuration
    // lived elsewhere (Debian's /etc/postgresql) a postgresql.conf of its own.
    const std::string conf_file = server.data_dir + "/postgresql.conf";
    std::string conf;
    std::error_code ec;
    if (std::filesystem::exists(conf_file, ec)) {
        std::ifstream in(conf_file);
        conf.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof()) return sdk::Status::failure("cannot read " + conf_file);
    }
    if (conf.find(include_line) != std::string::npos) return {};
    conf += "\n# Settings of this dspace space (port, addresses, socket directory).\n" + std::string(include_line) + "\n";
    return host.write_private_file(conf_file, conf, 0600, server.os_user);
}

sdk::Status PostgresFlavour::create_initial_database(sdk::Host &host, const sdk::Server &server) {
    // Single-user mode: no postmaster, no port, no authentication; the statement arrives on stdin.
    std::string sql_file = server.data_dir + "/dspace-initial.sql";
    if (auto written = host.write_private_file(sql_file, std::string("CREATE DATABASE ") + initial_database + ";\n", 0600, {}); !written)
        return written;
    sdk::Command single;
    single.argv = {tool(server.version, "postgres"), "--single", "-D", server.data_dir, "-F", "-c", "exit_on_error=true", "postgres"};
    single.stdin_file = sql_file;
    single.run_as_user = server.os_user;
    single.cwd = "/";
    single.timeout = std::chrono::minutes(2);
    auto ran = host.processes().run(single);
    std::remove(sql_file.c_str());
    if (!ran) return ran.status();
    if (!ran->succeeded())
        return sdk::Status::failure("cannot create the template's initial database: " + ran->err + ran->out);
    return {};
}

sdk::Status PostgresFlavour::configure(sdk::Host &host, const sdk::Server &server) {
    // Unix socket paths hold at most 107 bytes; postgres would only say so in its log.
    std::string socket = server.run_dir + "/.s.PGSQL." + std::to_string(server.port);
    if (socket.size() > 107)
        return sdk::Status::failure("the socket path " + socket + " is longer than the 107 characters Unix sockets allow",
                                    "use a shorter DSPACE_HOME or a shorter space name");
    std::string conf = "# Written by dspace for space '" + server.space + "'; rewritten before every start.\n"
                       "port = " + std::to_string(server.port) + "\n"
                       "listen_addresses = " + quoted(server.listen_address) + "\n"
                       "unix_socket_directories = " + quoted(server.run_dir) + "\n"
                       "unix_socket_permissions = 0700\n"
                       "password_encryption = 'scram-sha-256'\n";
    std::string hba = "# Written by dspace: the superuser over the private socket, everyone else with a password.\n"
                      "local all all trust\n"
                      "host all all 127.0.0.1/32 scram-sha-256\n"
                      "host all all ::1/128 scram-sha-256\n";
    if (!is_loopback(server.listen_address))
        hba += "host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n";
    for (const auto &[file, content] : {std::pair{std::string("dspace.conf"), conf}, std::pair{std::string("pg_hba.conf"), hba}}) {
        auto written = host.write_private_file(server.data_dir + "/" + file, content, 0600, server.os_user);
        if (!written) return written;
    }
    if (auto included = include_dspace_conf(host, server); !included) return included;
    // The data directory is stopped: a postmaster.pid left by a crash or reboot is stale, and postgres would
    // refuse to start if the pid in it now belongs to another process.
    std::error_code ec;
    std::filesystem::remove(server.data_dir + "/postmaster.pid", ec);
    return {};
}

sdk::Command PostgresFlavour::server_command(const sdk::Server &server) const {
    sdk::Command command;
    command.argv = {tool(server.version, "postgres"), "-D", server.data_dir};
    command.cwd = "/";
    return command;
}

int PostgresFlavour::stop_signal(bool immediate) const { return immediate ? SIGQUIT : SIGINT; } // SIGINT = fast shutdown

sdk::Status PostgresFlavour::check_online_snapshot(sdk::Host &, const sdk::Server &) {
    return {}; // with fsync on (the default), a frozen copy recovers like after a power loss
}

} // namespace dspace::postgres
