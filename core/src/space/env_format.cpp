// Formatting connection variables for `dspace env`.
#include <dspace/core/env_format.hpp>
#include <dspace/core/error.hpp>
#include <dspace/sdk/text.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace dspace {

namespace {

std::string dotenv_quote(std::string_view value) {
    std::string out = "\"";
    for (char c : value) {
        if (c == '\\' || c == '"' || c == '$' || c == '`') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

void replace_all(std::string &text, std::string_view what, std::string_view with) {
    if (what.empty()) return;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
        text.replace(at, what.size(), with);
}

} // namespace

EnvFormat parse_env_format(std::string_view text) {
    if (text == "shell") return EnvFormat::shell;
    if (text == "dotenv") return EnvFormat::dotenv;
    if (text == "json") return EnvFormat::json;
    throw UsageError("unknown format '" + std::string(text) + "'", "use --format shell, dotenv or json");
}

std::string shell_quote(std::string_view value) {
    std::string out = "'";
    for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string format_environment(const sdk::Environment &env, EnvFormat format) {
    if (format == EnvFormat::json) {
        rapidjson::StringBuffer buffer;
        rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
        w.StartObject();
        for (const auto &[name, value] : env) {
            w.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
            w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
        }
        w.EndObject();
        return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
    }
    std::string out;
    for (const auto &[name, value] : env)
        out += format == EnvFormat::shell ? "export " + name + "=" + shell_quote(value) + "\n" : name + "=" + dotenv_quote(value) + "\n";
    return out;
}

std::string mask_secret(std::string text, std::string_view secret) {
    if (secret.empty()) return text;
    std::string encoded = sdk::url_encode(secret);
    replace_all(text, encoded, "***");
    replace_all(text, secret, "***");
    return text;
}

std::string url_without_password(std::string url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) return url;
    std::size_t authority = scheme_end + 3;
    std::size_t authority_end = url.find_first_of("/?#", authority);
    std::size_t at = url.rfind('@', authority_end == std::string::npos ? std::string::npos : authority_end);
    if (at == std::string::npos || at < authority) return url;
    std::size_t colon = url.find(':', authority);
    if (colon < at) url.erase(colon, at - colon);
    return url;
}

} // namespace dspace
