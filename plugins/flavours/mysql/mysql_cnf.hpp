// The mysql flavour's server option file (dspace.cnf) and the paths it names.
#pragma once

#include <dspace/sdk/server.hpp>

#include <string>

namespace dspace::mysql {

//! Name of the option file configure() writes into the data directory.
inline constexpr const char *config_file_name = "dspace.cnf";
//! InnoDB redo log size, the same for the template (init_cluster) and every space, so no start resizes it.
inline constexpr const char *innodb_log_file_size = "8M";
//! Longest Unix socket path the kernel accepts (sun_path minus its terminating NUL).
inline constexpr std::size_t max_socket_path = 107;

//! The server's option file: <data_dir>/dspace.cnf.
inline std::string config_path(const sdk::Server &server) { return server.data_dir + "/" + config_file_name; }
//! The server's Unix socket, in its private run directory.
inline std::string socket_path(const sdk::Server &server) { return server.run_dir + "/mysqld.sock"; }
//! The server's pid file, in its private run directory.
inline std::string pid_path(const sdk::Server &server) { return server.run_dir + "/mysqld.pid"; }

//! Name of the client option file configure() writes into the run directory; `dspace env` points MYSQL_HOME there.
inline constexpr const char *client_options_file_name = "my.cnf";
//! The client option file: <run_dir>/my.cnf, read by stock clients through MYSQL_HOME.
inline std::string client_options_path(const sdk::Server &server) { return server.run_dir + "/" + client_options_file_name; }

//! value as a double-quoted option file value (backslash and quote escaped).
inline std::string option_file_value(const std::string &value) {
    std::string quoted = "\"";
    for (char c : value) {
        if (c == '\\' || c == '"') quoted += '\\';
        quoted += c;
    }
    return quoted + "\"";
}

//! The text of the client option file: a bare `mariadb`, mysqldump or mysqladmin connects to the space as its
//! user over TCP; only the mysql client group names the database (other tools reject that option).
inline std::string render_client_options(const sdk::Server &server, const std::string &host) {
    return "# Written by dspace for space '" + server.space + "': `eval \"$(dspace env " + server.space +
           ")\"` sets MYSQL_HOME here.\n[client]\nhost = " + host + "\nport = " + std::to_string(server.port) +
           "\nprotocol = TCP\nuser = " + option_file_value(server.user) + "\npassword = " + option_file_value(server.password) +
           "\n[mysql]\ndatabase = " + option_file_value(server.database) + "\n";
}

//! The text of dspace.cnf: the space's address, port, socket and paths, and settings for a small
//! development database that starts fast. The doublewrite buffer stays on: frozen copies must recover.
inline std::string render_config(const sdk::Server &server) {
    std::string text;
    auto set = [&text](const std::string &key, const std::string &value) { text += key + " = " + value + "\n"; };
    text += "# Written by dspace for space '" + server.space + "'; rewritten on every configure.\n[mysqld]\n";
    set("datadir", server.data_dir);
    set("port", std::to_string(server.port));
    set("bind-address", server.listen_address.empty() ? "127.0.0.1" : server.listen_address);
    set("socket", socket_path(server));
    set("pid-file", pid_path(server));
    set("tmpdir", server.run_dir); // private to the space, not the shared /tmp
    text += "skip-name-resolve\nskip-log-bin\n";
    set("character-set-server", "utf8mb4");
    set("collation-server", "utf8mb4_general_ci");
    set("innodb_buffer_pool_size", "64M");
    set("innodb_log_file_size", innodb_log_file_size);
    set("innodb_doublewrite", "ON");
    // Commits reach the OS at once and disk within a second: a frozen copy sees them; only an OS crash loses them.
    set("innodb_flush_log_at_trx_commit", "2");
    set("max_connections", "100");
    return text;
}

} // namespace dspace::mysql
