// The private alembic.ini the alembic migrator runs with: the project's, with sqlalchemy.url set to the
// space's URL and script_location made absolute. Header-only; pure text, unit-tested.
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace dspace::migrators {

//! text with every '%' doubled, as ConfigParser's interpolation reads a literal '%'.
inline std::string ini_escape(std::string_view text) {
    std::string out;
    for (char c : text) out += c == '%' ? std::string("%%") : std::string(1, c);
    return out;
}

//! The key of an ini line "key = value" (or "key: value"), trimmed; empty for other lines.
inline std::string ini_key(const std::string &line) {
    if (line.empty() || line[0] == ' ' || line[0] == '\t' || line[0] == '#' || line[0] == ';' || line[0] == '[') return {};
    size_t end = line.find_first_of("=:");
    if (end == std::string::npos) return {};
    std::string key = line.substr(0, end);
    key.erase(key.find_last_not_of(" \t") + 1);
    return key;
}

//! The project's alembic.ini text (read from folder) with, in [alembic], sqlalchemy.url = url and
//! script_location absolute (relative ones were relative to folder); %(here)s stands for folder.
inline std::string alembic_ini_for(const std::string &text, const std::string &folder, const std::string &url) {
    const std::string here = "%(here)s";
    std::string expanded = text;
    for (size_t at = expanded.find(here); at != std::string::npos; at = expanded.find(here, at + folder.size()))
        expanded.replace(at, here.size(), ini_escape(folder));
    std::istringstream lines(expanded);
    std::string out, section;
    bool url_set = false, seen_alembic = false;
    const std::string url_line = "sqlalchemy.url = " + ini_escape(url) + "\n";
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line[0] == '[') {
            if (section == "alembic" && !url_set) out += url_line, url_set = true;
            section = line.substr(1, line.find(']') - 1);
            seen_alembic = seen_alembic || section == "alembic";
            out += line + "\n";
            continue;
        }
        std::string key = section == "alembic" ? ini_key(line) : "";
        if (key == "sqlalchemy.url") {
            out += url_line;
            url_set = true;
        } else if (key == "script_location") {
            std::string value = line.substr(line.find_first_of("=:") + 1);
            value.erase(0, value.find_first_not_of(" \t"));
            value.erase(value.find_last_not_of(" \t\r") + 1);
            out += "script_location = " + (value.empty() || value[0] == '/' ? value : ini_escape(folder) + "/" + value) + "\n";
        } else {
            out += line + "\n";
        }
    }
    if (!seen_alembic) out += "[alembic]\nscript_location = " + ini_escape(folder) + "\n";
    if (!url_set) out += url_line;
    return out;
}

} // namespace dspace::migrators
