// dspace plugin SDK: text helpers for building connection URLs (header-only, standard library only).
#pragma once

#include <cctype>
#include <cstdio>
#include <string>
#include <string_view>

namespace dspace::sdk {

//! Percent-encodes everything but RFC 3986's unreserved characters (for URL user, password and query values).
inline std::string url_encode(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", c);
            out += hex;
        }
    }
    return out;
}

//! host as it goes in a URL: an IPv6 address (it holds ':') in brackets, anything else unchanged.
inline std::string url_bracketed_host(std::string_view host) {
    if (host.find(':') != std::string_view::npos) return "[" + std::string(host) + "]";
    return std::string(host);
}

} // namespace dspace::sdk
