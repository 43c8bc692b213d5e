// dspace's administrative access to a MariaDB server: root over the space's private Unix socket.
#pragma once

#include "mysql_cnf.hpp"
#include "mysql_tools.hpp"

#include <dspace/sdk/plugin.hpp>

#include <string>
#include <vector>

namespace dspace::mysql {

namespace sdk = dspace::sdk;

//! The last lines a failed program printed (stderr, else stdout), for an error message.
std::string output_tail(const sdk::ProcessResult &result);
//! A client program connected to the server's socket as root (dspace's administrative account).
sdk::Command as_root(Tool tool, const sdk::Server &server);
//! Runs one query as root and returns its rows, one line each, columns separated by tabs.
sdk::Result<std::vector<std::string>> query(sdk::Host &host, const sdk::Server &server, const std::string &sql);

} // namespace dspace::mysql
