// The mysql flavour's pure text helpers: SQL quoting, URL encoding, version parsing.
// Header-only so that the unit tests reach them without loading the plugin.
#pragma once

#include <dspace/sdk/text.hpp>

#include <cctype>
#include <string>
#include <string_view>

namespace dspace::mysql {

//! An identifier quoted for MariaDB/MySQL: `name`, with ` doubled.
inline std::string quote_identifier(std::string_view name) {
    std::string out = "`";
    for (char c : name) {
        if (c == '`') out += '`';
        out += c;
    }
    return out + "`";
}

//! A string literal for MariaDB/MySQL ('…') under the default sql_mode (backslash escapes on, which
//! dspace.cnf keeps): quotes are doubled, backslashes and control characters escaped.
inline std::string quote_string(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        switch (c) {
        case '\'': out += "''"; break;
        case '\\': out += "\\\\"; break;
        case '\0': out += "\\0"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\x1a': out += "\\Z"; break;
        default: out += c;
        }
    }
    return out + "'";
}

//! An account name 'user'@'host' for CREATE USER and GRANT.
inline std::string quote_account(std::string_view user, std::string_view host) {
    return quote_string(user) + "@" + quote_string(host);
}

//! Percent-encoding for URL user, password and query values (the SDK's).
using sdk::url_encode;

//! True for addresses that only the local machine can reach.
inline bool is_loopback(std::string_view address) {
    return address.empty() || address == "localhost" || address == "::1" || address.rfind("127.", 0) == 0;
}

//! The address a client on this machine connects to for a server bound to listen_address
//! (a wildcard bind is reached through 127.0.0.1), bracketed when IPv6 so it fits in a URL.
inline std::string url_host(std::string_view listen_address) {
    if (listen_address.empty() || listen_address == "0.0.0.0" || listen_address == "::" || listen_address == "*")
        return "127.0.0.1";
    return sdk::url_bracketed_host(listen_address);
}

//! url_host without the brackets of an IPv6 address: what MYSQL_HOST and option files take.
inline std::string client_host(std::string_view listen_address) {
    std::string host = url_host(listen_address);
    return host.front() == '[' ? host.substr(1, host.size() - 2) : host;
}

//! "MAJOR.MINOR" from a `mariadbd --version` line ("… Ver 10.11.19-MariaDB-0+deb12u1 …"); empty when absent.
inline std::string parse_server_version(std::string_view text) {
    auto at = text.find("Ver ");
    if (at == std::string_view::npos) return {};
    std::string_view rest = text.substr(at + 4);
    std::string version;
    int dots = 0;
    for (char c : rest) {
        if (c == '.' && ++dots == 2) break;
        if (c != '.' && !std::isdigit(static_cast<unsigned char>(c))) break;
        version += c;
    }
    if (dots == 0 || version.empty() || version.back() == '.') return {};
    return version;
}

} // namespace dspace::mysql
