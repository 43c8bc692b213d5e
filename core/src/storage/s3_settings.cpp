// S3 settings from the usual AWS environment variables and the shared credentials file.
#include "s3_settings.hpp"

#include <dspace/core/error.hpp>

#include <cstdlib>
#include <fstream>
#include <map>

namespace dspace {

namespace {

std::string env(const char *name) {
    const char *value = std::getenv(name);
    return value ? value : "";
}

std::string trimmed(const std::string &text) {
    auto begin = text.find_first_not_of(" \t\r");
    if (begin == std::string::npos) return "";
    return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

//! The key = value lines of section [profile] of an INI file (empty when the file or section is missing).
std::map<std::string, std::string> ini_section(const std::string &path, const std::string &profile) {
    std::map<std::string, std::string> values;
    std::ifstream in(path);
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
        line = trimmed(line);
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (line.front() == '[') {
            inside = trimmed(line.substr(1, line.find(']') - 1)) == profile;
            continue;
        }
        auto equals = line.find('=');
        if (inside && equals != std::string::npos) values[trimmed(line.substr(0, equals))] = trimmed(line.substr(equals + 1));
    }
    return values;
}

} // namespace

S3Settings s3_settings_from_environment(const std::string &bucket, const std::string &prefix) {
    S3Settings s;
    s.bucket = bucket;
    s.prefix = prefix;
    s.region = env("AWS_REGION");
    if (s.region.empty()) s.region = env("AWS_DEFAULT_REGION");
    if (s.region.empty()) s.region = "us-east-1";
    s.endpoint = env("AWS_ENDPOINT_URL");
    s.path_style = !s.endpoint.empty();
    if (s.endpoint.empty()) s.endpoint = "https://s3." + s.region + ".amazonaws.com";
    while (!s.endpoint.empty() && s.endpoint.back() == '/') s.endpoint.pop_back();
    std::string style = env("DSPACE_S3_ADDRESSING_STYLE");
    if (style == "path") s.path_style = true;
    else if (style == "virtual") s.path_style = false;
    else if (!style.empty())
        throw UsageError("DSPACE_S3_ADDRESSING_STYLE is '" + style + "'", "set it to path or virtual, or unset it");
    s.access_key = env("AWS_ACCESS_KEY_ID");
    s.secret_key = env("AWS_SECRET_ACCESS_KEY");
    s.session_token = env("AWS_SESSION_TOKEN");
    std::string profile = env("AWS_PROFILE");
    if (s.access_key.empty()) { // as the AWS tools: credentials in the environment come before any profile
        std::string file = env("AWS_SHARED_CREDENTIALS_FILE");
        if (file.empty()) file = env("HOME") + "/.aws/credentials";
        auto values = ini_section(file, profile.empty() ? "default" : profile);
        if (!values["aws_access_key_id"].empty()) {
            s.access_key = values["aws_access_key_id"];
            s.secret_key = values["aws_secret_access_key"];
            s.session_token = values["aws_session_token"];
        }
    }
    if (s.access_key.empty() || s.secret_key.empty())
        throw Error("no S3 credentials for s3://" + bucket,
                    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a profile in ~/.aws/credentials");
    return s;
}

} // namespace dspace
