#include "mysql.hpp"

#include "mysql_admin.hpp"
#include "mysql_cnf.hpp"
#include "mysql_sql_file.hpp"
#include "mysql_text.hpp"
#include "mysql_tools.hpp"

#include <csignal>
#include <sstream>
#include <sys/stat.h>

namespace dspace::mysql {

namespace {

using namespace std::chrono_literals;

//! Databases every server has, which are not the user's.
constexpr const char *system_databases = "'information_schema', 'performance_schema', 'mysql', 'sys'";

//! Removes the root accounts reachable over TCP that mariadb-install-db creates (root@127.0.0.1, root@::1,
//! root@<hostname>): they have no password. root@localhost stays, reachable only through the private socket.
constexpr const char *socket_only_root_sql =
    "DELETE FROM mysql.global_priv WHERE User = 'root' AND Host <> 'localhost';\n"
    "DELETE FROM mysql.proxies_priv WHERE Host <> 'localhost';\n";

//! The hosts the space's user may connect from: the socket and loopback, and anywhere when it listens beyond loopback.
std::vector<std::string> account_hosts(const sdk::Server &server) {
    std::vector<std::string> hosts = {"localhost", "127.0.0.1", "::1"};
    if (!is_loopback(server.listen_address)) hosts.push_back("%");
    return hosts;
}

} // namespace

std::string MysqlFlavour::description() const { return "MariaDB (or MySQL) servers from the locally installed mariadbd"; }

std::vector<sdk::ToolProbe> MysqlFlavour::probe(sdk::Host &host) {
    std::vector<sdk::ToolProbe> probes;
    for (Tool tool : {Tool::server, Tool::install_db, Tool::client, Tool::admin, Tool::dump}) probes.push_back(mysql::probe(host, tool));
    return probes;
}

std::vector<std::string> MysqlFlavour::installed_versions(sdk::Host &host) {
    auto server = mysql::probe(host, Tool::server);
    if (!server.found) return {};
    std::string version = parse_server_version(server.version);
    if (version.empty()) return {};
    return {version};
}

sdk::Status MysqlFlavour::init_cluster(sdk::Host &host, const sdk::Server &server) {
    SqlFile extra(host.cache_dir(name()), socket_only_root_sql);
    if (!extra.status()) return extra.status();
    sdk::Command command;
    command.argv = {tool_path(Tool::install_db), "--no-defaults", "--datadir=" + server.data_dir,
                    "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve",
                    "--extra-file=" + extra.path(), std::string("--innodb-log-file-size=") + innodb_log_file_size,
                    "--innodb-buffer-pool-size=32M",
                    // Its temporary tables stay inside the new data directory, out of reach of anything cleaning /tmp.
                    "--tmpdir=" + server.data_dir};
    // As root the script reads the extra file itself and has mariadbd drop to the server's user.
    if (host.running_as_root()) command.argv.push_back("--user=" + (server.os_user.empty() ? std::string("root") : server.os_user));
    command.cwd = "/";
    command.timeout = 300s;
    host.logger().log(sdk::LogLevel::info, "initialising a MariaDB cluster in " + server.data_dir);
    auto ran = host.processes().run(command);
    if (!ran) return ran.status();
    if (!ran->succeeded())
        return sdk::Status::failure("mariadb-install-db could not initialise " + server.data_dir + ": " + output_tail(*ran),
                                    "check that the server's OS user can reach and write that directory, and free disk space");
    return {};
}

sdk::Status MysqlFlavour::configure(sdk::Host &host, const sdk::Server &server) {
    if (socket_path(server).size() > max_socket_path)
        return sdk::Status::failure("the socket path " + socket_path(server) + " is longer than the " + std::to_string(max_socket_path) +
                                        " characters Unix sockets allow",
                                    "use a shorter DSPACE_HOME or a shorter space name");
    if (auto written = host.write_private_file(client_options_path(server),
                                               render_client_options(server, client_host(server.listen_address)), 0600, server.os_user);
        !written)
        return written;
    return host.write_private_file(config_path(server), render_config(server), 0600, server.os_user);
}

sdk::Command MysqlFlavour::server_command(const sdk::Server &server) const {
    sdk::Command command;
    command.argv = {tool_path(Tool::server), "--defaults-file=" + config_path(server)};
    return command;
}

bool MysqlFlavour::is_ready(sdk::Host &host, const sdk::Server &server) {
    struct stat socket {};
    if (::stat(socket_path(server).c_str(), &socket) != 0) return false;
    auto command = as_root(Tool::admin, server);
    command.argv.insert(command.argv.end(), {"--connect-timeout=2", "ping"});
    command.timeout = 5s;
    auto ran = host.processes().run(command);
    return ran && ran->succeeded();
}

sdk::Status MysqlFlavour::create_credentials(sdk::Host &host, const sdk::Server &server) {
    if (server.user == "root")
        return sdk::Status::failure("the database user of a MariaDB space cannot be 'root': dspace keeps root for itself",
                                    "pick another name with --user");
    std::string password = quote_string(server.password);
    std::string sql = "CREATE DATABASE IF NOT EXISTS " + quote_identifier(server.database) + ";\n";
    for (const auto &host_name : account_hosts(server)) {
        std::string account = quote_account(server.user, host_name);
        sql += "CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY " + password + ";\n";
        sql += "ALTER USER " + account + " IDENTIFIED BY " + password + ";\n";
        sql += "GRANT ALL PRIVILEGES ON *.* TO " + account + " WITH GRANT OPTION;\n";
    }
    SqlStdin input(host.cache_dir(name()), sql);
    if (!input.status()) return input.status();
    auto command = as_root(Tool::client, server);
    command.stdin_file = input.stdin_file();
    command.secrets = {server.password};
    command.timeout = 30s;
    auto ran = host.processes().run(command);
    if (!ran) return ran.status();
    if (!ran->succeeded())
        return sdk::Status::failure("cannot create user '" + server.user + "' and database '" + server.database +
                                        "' in space '" + server.space + "': " + output_tail(*ran),
                                    "read the server log: `dspace logs " + server.space + "`");
    return {};
}

int MysqlFlavour::stop_signal(bool immediate) const { return immediate ? SIGKILL : SIGTERM; }

sdk::Command MysqlFlavour::stop_command(const sdk::Server &server) const {
    auto command = as_root(Tool::admin, server);
    command.argv.push_back("shutdown");
    command.cwd = "/";
    command.timeout = 60s;
    return command;
}

std::string MysqlFlavour::display_url(const sdk::Server &server) const {
    return "mysql://" + url_encode(server.user) + "@" + url_host(server.listen_address) + ":" + std::to_string(server.port) + "/" +
           url_encode(server.database);
}

sdk::Command MysqlFlavour::client_command(const sdk::Server &server, const std::vector<std::string> &args) const {
    sdk::Command command;
    command.argv = {tool_path(Tool::client), "--no-defaults", "--socket=" + socket_path(server), "--user=" + server.user,
                    "--database=" + server.database};
    command.argv.insert(command.argv.end(), args.begin(), args.end());
    command.env = {{"MYSQL_PWD", server.password}};
    command.secrets = {server.password};
    return command;
}

sdk::Environment MysqlFlavour::environment(const sdk::Server &server) const {
    std::string host = url_host(server.listen_address);
    std::string port = std::to_string(server.port);
    std::string user = url_encode(server.user), password = url_encode(server.password), database = url_encode(server.database);
    std::string authority = user + ":" + password + "@" + host + ":" + port + "/" + database;
    return {
        {"DATABASE_URL", "mysql://" + authority},
        {"MYSQL_HOST", client_host(server.listen_address)},
        {"MYSQL_TCP_PORT", port},
        {"MYSQL_USER", server.user},
        {"MYSQL_PWD", server.password},
        {"MYSQL_DATABASE", server.database},
        // The stock clients ignore MYSQL_USER and MYSQL_DATABASE; they read user and database from $MYSQL_HOME/my.cnf.
        {"MYSQL_HOME", server.run_dir},
        // MariaDB Connector/J's scheme; MySQL Connector/J users replace jdbc:mariadb with jdbc:mysql.
        {"JDBC_URL", "jdbc:mariadb://" + host + ":" + port + "/" + database + "?user=" + user + "&password=" + password},
        {"SQLALCHEMY_URL", "mysql+pymysql://" + authority},
    };
}

sdk::Result<std::vector<std::string>> MysqlFlavour::list_databases(sdk::Host &host, const sdk::Server &server) {
    return query(host, server,
                 std::string("SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN (") + system_databases +
                     ") ORDER BY schema_name");
}

sdk::Command MysqlFlavour::dump_command(const sdk::Server &server, std::string_view database, std::string_view out_file) const {
    auto command = as_root(Tool::dump, server);
    command.argv.insert(command.argv.end(), {"--default-character-set=utf8mb4", "--single-transaction", "--routines", "--events",
                                             "--triggers", "--databases", std::string(database)});
    command.stdout_file = std::string(out_file);
    return command;
}

// The dump names its database (CREATE DATABASE IF NOT EXISTS, USE), so it restores under that same name.
sdk::Command MysqlFlavour::restore_command(const sdk::Server &server, std::string_view, std::string_view in_file) const {
    auto command = as_root(Tool::client, server);
    command.argv.push_back("--default-character-set=utf8mb4");
    command.stdin_file = std::string(in_file);
    return command;
}

sdk::Status MysqlFlavour::check_online_snapshot(sdk::Host &host, const sdk::Server &server) {
    auto rows = query(host, server, "SELECT @@GLOBAL.innodb_doublewrite");
    if (!rows) return rows.status();
    std::string value = rows->empty() ? "" : rows->front();
    if (value == "0" || value == "OFF")
        return sdk::Status::failure("space '" + server.space + "' runs with innodb_doublewrite off, so a copy of its running files may not recover",
                                    "stop the space before snapshotting it, or turn innodb_doublewrite back on");
    return {};
}

} // namespace dspace::mysql
