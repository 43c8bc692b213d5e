#include <dspace/core/error.hpp>
#include <dspace/core/server_settings.hpp>

#include <rapidjson/document.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <unistd.h>

namespace dspace {

namespace {

//! How one shipped flavour takes settings: the file configure() rewrites before every start, how a line is
//! written, and the keys dspace sets itself.
struct SettingsSyntax {
    std::string file;                            //!< in the data directory
    std::string (*line)(const std::string &key, const std::string &value);
    std::vector<std::string> managed;            //!< keys a user may not set
};

std::string postgres_line(const std::string &key, const std::string &value) {
    std::string quoted;
    for (char c : value) {
        if (c == '\'' || c == '\\') quoted += c;
        quoted += c;
    }
    return key + " = '" + quoted + "'\n";
}

std::string mysql_line(const std::string &key, const std::string &value) {
    std::string quoted;
    for (char c : value) {
        if (c == '\\' || c == '"') quoted += '\\';
        quoted += c;
    }
    return key + " = \"" + quoted + "\"\n";
}

//! The settings syntax of flavour, or nullptr when dspace cannot write settings for it.
const SettingsSyntax *syntax_of(const std::string &flavour) {
    static const std::map<std::string, SettingsSyntax> table{
        {"postgres",
         {"dspace.conf", postgres_line,
          {"port", "listen_addresses", "unix_socket_directories", "unix_socket_permissions", "data_directory", "config_file",
           "hba_file", "ident_file", "include", "include_if_exists", "include_dir"}}},
        {"mysql",
         {"dspace.cnf", mysql_line,
          {"datadir", "port", "bind-address", "bind_address", "socket", "pid-file", "pid_file", "!include", "!includedir"}}},
    };
    auto it = table.find(flavour);
    return it == table.end() ? nullptr : &it->second;
}

bool valid_key(const std::string &key) {
    return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    });
}

} // namespace

ServerSettings parse_settings(const std::vector<std::string> &words) {
    ServerSettings settings;
    for (const auto &word : words) {
        auto equals = word.find('=');
        if (equals == std::string::npos)
            throw UsageError("setting '" + word + "' has no value", "write KEY=VALUE, e.g. --set max_connections=50");
        std::string key = word.substr(0, equals), value = word.substr(equals + 1);
        if (!valid_key(key))
            throw UsageError("invalid setting name '" + key + "'", "setting names hold letters, digits, '_', '-' and '.'");
        if (value.find_first_of("\n\r") != std::string::npos || value.find('\0') != std::string::npos)
            throw UsageError("the value of setting '" + key + "' holds a line break", "give a value on one line");
        settings = merge_settings(std::move(settings), {{key, value}});
    }
    return settings;
}

ServerSettings merge_settings(ServerSettings base, const ServerSettings &changes, const std::vector<std::string> &unset) {
    for (const auto &[key, value] : changes) {
        auto it = std::find_if(base.begin(), base.end(), [&](const auto &setting) { return setting.first == key; });
        if (it != base.end()) it->second = value;
        else base.emplace_back(key, value);
    }
    base.erase(std::remove_if(base.begin(), base.end(),
                              [&](const auto &setting) { return std::find(unset.begin(), unset.end(), setting.first) != unset.end(); }),
               base.end());
    return base;
}

ServerSettings configured_settings(const sdk::ConfigView &config, const std::string &flavour) {
    std::string key = "flavours." + flavour + ".settings";
    auto text = config.get(key);
    if (!text) return {};
    rapidjson::Document doc;
    doc.Parse(text->c_str());
    if (doc.HasParseError() || !doc.IsObject())
        throw Error("configuration key '" + key + "' is not an object of settings", "e.g. dspace config set " + key + " '{\"work_mem\": \"64MB\"}'");
    std::vector<std::string> words;
    for (const auto &member : doc.GetObject()) {
        std::string value = member.value.IsString() ? member.value.GetString() : "";
        if (member.value.IsNumber()) value = member.value.IsInt64() ? std::to_string(member.value.GetInt64()) : std::to_string(member.value.GetDouble());
        if (member.value.IsBool()) value = member.value.GetBool() ? "on" : "off";
        words.push_back(std::string(member.name.GetString()) + "=" + value);
    }
    return parse_settings(words);
}

void check_settings(const std::string &flavour, const ServerSettings &settings) {
    if (settings.empty()) return;
    const SettingsSyntax *syntax = syntax_of(flavour);
    if (!syntax) throw UsageError("dspace cannot write server settings for flavour '" + flavour + "'", "leave out --set");
    for (const auto &[key, value] : settings)
        if (std::find(syntax->managed.begin(), syntax->managed.end(), key) != syntax->managed.end())
            throw UsageError("setting '" + key + "' is managed by dspace", "use create's own options (--port, --listen) instead");
}

void write_server_settings(const SpaceState &state, const sdk::Server &srv) {
    if (state.settings.empty()) return;
    check_settings(state.flavour, state.settings);
    const SettingsSyntax &syntax = *syntax_of(state.flavour);
    std::string text = "# The space's own settings (dspace create --set, dspace set):\n";
    for (const auto &[key, value] : state.settings) text += syntax.line(key, value);
    std::string path = srv.data_dir + "/" + syntax.file;
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
    bool written = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    int saved = errno;
    if (fd >= 0) ::close(fd);
    if (!written)
        throw Error("cannot write the settings of space '" + state.name + "' into " + path + ": " + std::strerror(saved),
                    "check free disk space and the permissions of the data directory");
}

SpaceState change_settings(SpaceManager &spaces, const std::string &name, const ServerSettings &changes,
                           const std::vector<std::string> &unset) {
    FileLock held = spaces.lock(name);
    SpaceState state = spaces.load(name);
    SpaceStatus before = spaces.status(state);
    ServerSettings previous = state.settings;
    state.settings = merge_settings(previous, changes, unset);
    check_settings(state.flavour, state.settings);
    auto restart = [&] {
        spaces.stop_locked(state, false);
        spaces.save(state);
        spaces.start_locked(state);
        if (before == SpaceStatus::paused) spaces.freeze_locked(state);
        if (before == SpaceStatus::stopped) spaces.stop_locked(state, false);
    };
    try {
        restart();
    } catch (const Error &e) {
        state.settings = previous;
        restart();
        throw Error("the server of space '" + name + "' did not start with the new settings: " + e.what(),
                    "the space keeps its previous settings; fix the value and try again");
    }
    return state;
}

} // namespace dspace
