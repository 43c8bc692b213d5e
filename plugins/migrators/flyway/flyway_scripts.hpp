// Flyway's SQL migrations in a folder: V<version>__<description>.sql and R__<description>.sql, their order,
// and ${placeholder} substitution. Header-only; pure, unit-tested.
#pragma once

#include "flyway_checksum.hpp"

#include <dspace/sdk/status.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dspace::migrators::flyway {

//! One migration script.
struct Script {
    bool repeatable = false;  //!< R__ (no version)
    std::string version;      //!< "1.2" (underscores of the file name read as dots); empty when repeatable
    std::string description;  //!< underscores read as spaces
    std::string file;         //!< the file name, as flyway_schema_history's script column holds it
    std::string path;         //!< the full path
    std::int32_t checksum = 0; //!< Flyway's checksum of the content
};

//! The numeric parts of a version ("1.10.0" -> {1, 10}), trailing zeros dropped so that 1.0 equals 1.
inline std::vector<std::string> version_parts(const std::string &version) {
    std::vector<std::string> parts;
    std::string part;
    for (char c : version + ".") {
        if (c != '.') {
            part += c;
            continue;
        }
        part.erase(0, std::min(part.find_first_not_of('0'), part.size()));
        parts.push_back(part);
        part.clear();
    }
    while (!parts.empty() && parts.back().empty()) parts.pop_back();
    return parts;
}

//! Compares versions numerically part by part (arbitrarily long parts): <0, 0 or >0.
inline int compare_versions(const std::string &a, const std::string &b) {
    auto pa = version_parts(a), pb = version_parts(b);
    for (size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
        std::string x = i < pa.size() ? pa[i] : "", y = i < pb.size() ? pb[i] : "";
        if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

//! The script a file name stands for; nullopt for files that are no Flyway SQL migration.
inline std::optional<Script> parse_script_name(const std::string &file) {
    if (file.size() < 5 || file.substr(file.size() - 4) != ".sql") return std::nullopt;
    std::string stem = file.substr(0, file.size() - 4);
    size_t sep = stem.find("__");
    if (sep == std::string::npos || sep == 0) return std::nullopt;
    Script script;
    script.file = file;
    script.description = stem.substr(sep + 2);
    std::replace(script.description.begin(), script.description.end(), '_', ' ');
    if (stem[0] == 'R' && sep == 1) {
        script.repeatable = true;
        return script;
    }
    if (stem[0] != 'V') return std::nullopt;
    script.version = stem.substr(1, sep - 1);
    std::replace(script.version.begin(), script.version.end(), '_', '.');
    if (script.version.empty() || script.version.find_first_not_of("0123456789.") != std::string::npos) return std::nullopt;
    return script;
}

//! The file's content; a failure naming it when it cannot be read.
inline sdk::Result<std::string> read_text(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return sdk::Status::failure("cannot read " + path, "check that it exists and is readable");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

//! The migrations of folder (not its subfolders): versioned ones by version, then repeatable ones by
//! description. Two files of one version are refused, naming both.
inline sdk::Result<std::vector<Script>> scan_folder(const std::string &folder) {
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec))
        return sdk::Status::failure("the Flyway migrations folder " + folder + " does not exist", "pass --folder with the folder of V1__name.sql files");
    std::vector<Script> scripts;
    for (const auto &entry : std::filesystem::directory_iterator(folder, ec)) {
        if (!entry.is_regular_file(ec)) continue;
        auto script = parse_script_name(entry.path().filename().string());
        if (!script) continue;
        script->path = entry.path().string();
        auto content = read_text(script->path);
        if (!content) return content.status();
        script->checksum = checksum(*content);
        scripts.push_back(*script);
    }
    if (ec) return sdk::Status::failure("cannot list " + folder + ": " + ec.message(), "check its permissions");
    std::sort(scripts.begin(), scripts.end(), [](const Script &a, const Script &b) {
        if (a.repeatable != b.repeatable) return !a.repeatable;
        return a.repeatable ? a.description < b.description : compare_versions(a.version, b.version) < 0;
    });
    for (size_t i = 1; i < scripts.size(); ++i)
        if (!scripts[i].repeatable && !scripts[i - 1].repeatable && compare_versions(scripts[i].version, scripts[i - 1].version) == 0)
            return sdk::Status::failure("two migrations have version " + scripts[i].version + ": " + scripts[i - 1].file + " and " + scripts[i].file,
                                        "give one of them another version");
    return scripts;
}

//! text with each ${name} replaced by its value; a failure naming the first placeholder without a value.
inline sdk::Result<std::string> substitute(const std::string &text, const std::map<std::string, std::string> &values,
                                           const std::string &file) {
    std::string out;
    size_t at = 0;
    for (size_t open; (open = text.find("${", at)) != std::string::npos;) {
        size_t close = text.find('}', open);
        if (close == std::string::npos) break;
        std::string name = text.substr(open + 2, close - open - 2);
        auto it = values.find(name);
        if (it == values.end())
            return sdk::Status::failure(file + " uses the placeholder ${" + name + "}, which has no value",
                                        "pass it after --: dspace migrate NAME --tool flyway -- -placeholders." + name + "=VALUE");
        out += text.substr(at, open - at) + it->second;
        at = close + 1;
    }
    return out + text.substr(at);
}

} // namespace dspace::migrators::flyway
