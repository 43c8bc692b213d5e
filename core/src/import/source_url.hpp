// A live source server named by a URL (postgresql://user:password@host:port/db, mysql://…, mariadb://…).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dspace::import {

//! A server and database to connect to, with its credentials.
struct Endpoint {
    std::string flavour;  //!< "postgres" or "mysql"
    std::string host;     //!< host name or address (without IPv6 brackets)
    int port = 0;         //!< TCP port
    std::string user;     //!< user name
    std::string password; //!< password (a secret: never printed or put on an argv)
    std::string database; //!< database name
};

//! The endpoint a URL names, or nullopt when text is not a URL (no "scheme://"). Schemes: postgresql and
//! postgres (port 5432 by default), mysql and mariadb (3306). User, password and database are percent-decoded.
//! Throws UsageError for a URL of another scheme or without a host or a database.
std::optional<Endpoint> parse_source_url(std::string_view text);
//! The URL of endpoint without its password, for messages.
std::string display_url(const Endpoint &endpoint);

} // namespace dspace::import
