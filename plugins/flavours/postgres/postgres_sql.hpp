// Quoting for the SQL the PostgreSQL flavour writes.
#pragma once

#include <string>

namespace dspace::postgres {

//! name as a quoted SQL identifier ("a""b").
inline std::string identifier(const std::string &name) {
    std::string out = "\"";
    for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

//! value as a quoted SQL string literal ('it''s').
inline std::string literal(const std::string &value) {
    std::string out = "'";
    for (char c : value) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

} // namespace dspace::postgres
