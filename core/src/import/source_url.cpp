#include "source_url.hpp"

#include <dspace/core/error.hpp>

#include <cctype>

namespace dspace::import {

namespace {

std::string percent_decode(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else out += text[i];
    }
    return out;
}

UsageError bad_url(const std::string &why) {
    return UsageError("the source URL " + why, "write it as postgresql://USER:PASSWORD@HOST:PORT/DATABASE or mysql://USER:PASSWORD@HOST:PORT/DATABASE");
}

} // namespace

std::optional<Endpoint> parse_source_url(std::string_view text) {
    auto scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos) return std::nullopt;
    std::string_view scheme = text.substr(0, scheme_end);
    Endpoint endpoint;
    if (scheme == "postgresql" || scheme == "postgres") {
        endpoint.flavour = "postgres";
        endpoint.port = 5432;
    } else if (scheme == "mysql" || scheme == "mariadb") {
        endpoint.flavour = "mysql";
        endpoint.port = 3306;
    } else {
        throw bad_url("has the scheme '" + std::string(scheme) + "', which import does not read");
    }
    std::string_view rest = text.substr(scheme_end + 3);
    rest = rest.substr(0, rest.find_first_of("?#"));
    auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) endpoint.database = percent_decode(rest.substr(slash + 1));
    auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
        std::string_view credentials = authority.substr(0, at);
        authority = authority.substr(at + 1);
        auto colon = credentials.find(':');
        endpoint.user = percent_decode(credentials.substr(0, colon));
        if (colon != std::string_view::npos) endpoint.password = percent_decode(credentials.substr(colon + 1));
    }
    std::string_view host = authority, port;
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos) throw bad_url("has an unclosed '[' in its host");
        host = authority.substr(1, close - 1);
        if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
    } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty()) throw bad_url("names no host");
    endpoint.host = std::string(host);
    if (!port.empty()) {
        int value = 0;
        for (char c : port) {
            if (!std::isdigit(static_cast<unsigned char>(c)) || value > 65535) throw bad_url("has a bad port '" + std::string(port) + "'");
            value = value * 10 + (c - '0');
        }
        if (value < 1 || value > 65535) throw bad_url("has a bad port '" + std::string(port) + "'");
        endpoint.port = value;
    }
    if (endpoint.database.empty()) throw bad_url("names no database");
    return endpoint;
}

std::string display_url(const Endpoint &endpoint) {
    std::string host = endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host;
    return (endpoint.flavour == "postgres" ? "postgresql://" : "mysql://") + (endpoint.user.empty() ? "" : endpoint.user + "@") +
           host + ":" + std::to_string(endpoint.port) + "/" + endpoint.database;
}

} // namespace dspace::import
