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
