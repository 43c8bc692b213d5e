// dspace plugin SDK: the value types that describe a space's server to plugins.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace dspace::sdk {

//! One database server instance (a space) as a flavour sees it. All paths are absolute.
struct Server {
    std::string space;            //!< the space's name
    std::string version;          //!< server version, e.g. "15" or "10.11"
    std::string data_dir;         //!< the server's data directory
    std::string run_dir;          //!< private directory for the socket and pid files
    std::string log_file;         //!< where the server's output goes
    std::string listen_address;   //!< TCP address to bind, "127.0.0.1" unless asked otherwise
    int port = 0;                 //!< TCP port
    std::string os_user;          //!< OS user the server runs as; empty = the user running dspace
    std::string user;             //!< the space's database user
    std::string password;         //!< that user's password (a secret: never log it)
    std::string database;         //!< the space's initial database
};

//! Environment variables, in order (name, value).
using Environment = std::vector<std::pair<std::string, std::string>>;

} // namespace dspace::sdk
