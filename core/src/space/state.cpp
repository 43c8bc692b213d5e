// space.json: reading, writing and listing the persisted state of spaces.
#include "internal.hpp"
#include "state_extras.hpp"

#include <dspace/core/env_format.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/sdk/flavour_capabilities.hpp>
#include <dspace/sdk/text.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/names.hpp>
#include <dspace/core/space.hpp>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>

namespace dspace {

const char *to_string(SpaceStatus status) {
    switch (status) {
    case SpaceStatus::running: return "running";
    case SpaceStatus::paused: return "paused";
    case SpaceStatus::stopped: return "stopped";
    }
    return "stopped";
}

std::string state_to_json(const SpaceState &s) {
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
    auto text = [&](const char *key, const std::string &value) {
        w.Key(key);
        w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    };
    w.StartObject();
    text("name", s.name);
    text("flavour", s.flavour);
    text("version", s.version);
    w.Key("port");
    w.Int(s.port);
    text("listen_address", s.listen_address);
    text("os_user", s.os_user);
    text("user", s.user);
    text("password", s.password);
    text("database", s.database);
    w.Key("pid");
    w.Int(static_cast<int>(s.pid));
    w.Key("pid_start_time");
    w.Uint64(s.pid_start_time);
    text("created", s.created);
    text("from_snapshot", s.from_snapshot);
    write_state_extras(w, s);
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

SpaceState state_from_json(std::string_view text, const std::string &origin) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    std::string hint = "restore it from a backup, or remove the space with `dspace rm --force`";
    if (doc.HasParseError())
        throw Error(origin + " is not valid JSON: " + rapidjson::GetParseError_En(doc.GetParseError()), hint);
    if (!doc.IsObject()) throw Error(origin + " does not hold a JSON object", hint);
    auto text_of = [&](const char *key, bool required) -> std::string {
        auto it = doc.FindMember(key);
        if (it == doc.MemberEnd() || !it->value.IsString()) {
            if (required) throw Error(origin + " lacks the text field '" + key + "'", hint);
            return {};
        }
        return std::string(it->value.GetString(), it->value.GetStringLength());
    };
    auto number_of = [&](const char *key) -> std::uint64_t {
        auto it = doc.FindMember(key);
        if (it == doc.MemberEnd() || !it->value.IsNumber() || it->value.IsDouble()) return 0;
        return it->value.IsInt64() && it->value.GetInt64() < 0 ? 0 : it->value.GetUint64();
    };
    SpaceState s;
    s.name = text_of("name", true);
    if (std::string problem = name_problem(s.name); !problem.empty())
        throw Error(origin + " holds an invalid space name: " + problem, hint);
    s.flavour = text_of("flavour", true);
    s.version = text_of("version", true);
    s.port = static_cast<int>(number_of("port"));
    if (s.port <= 0 || s.port > 65535) throw Error(origin + " has no valid 'port'", hint);
    s.listen_address = text_of("listen_address", false);
    if (s.listen_address.empty()) s.listen_address = "127.0.0.1";
    s.os_user = text_of("os_user", false);
    s.user = text_of("user", true);
    s.password = text_of("password", false);
    s.database = text_of("database", true);
    // A pid beyond the kernel's limit would turn negative as pid_t, and kill(-n) signals a whole process group.
    constexpr std::uint64_t pid_max_limit = 4194304;
    std::uint64_t pid = number_of("pid");
    if (pid > pid_max_limit) throw Error(origin + " has no valid 'pid'", hint);
    s.pid = static_cast<pid_t>(pid);
    s.pid_start_time = number_of("pid_start_time");
    s.created = text_of("created", false);
    s.from_snapshot = text_of("from_snapshot", false);
    read_state_extras(doc, s, origin);
    return s;
}

std::filesystem::path SpaceManager::space_dir(const std::string &name) const { return host_.paths().space_dir(name); }

std::filesystem::path SpaceManager::data_dir(const std::string &name) const { return space_dir(name) / "data"; }

bool SpaceManager::exists(const std::string &name) const {
    std::error_code ec;
    return std::filesystem::is_regular_file(space_dir(name) / space_files::state, ec);
}

SpaceState SpaceManager::load(const std::string &name) const {
    if (!exists(name))
        throw Error("there is no space named '" + name + "'", "`dspace list` shows the spaces; `dspace create " + name + " --flavour F` makes one");
    auto file = space_dir(name) / space_files::state;
    SpaceState state = state_from_json(fs::read_file(file), file.string());
    if (state.name != name)
        throw Error(file.string() + " names space '" + state.name + "', not '" + name + "'",
                    "restore it from a backup, or remove the space with `dspace rm --force " + name + "`");
    return state;
}

void SpaceManager::save(const SpaceState &state) const {
    fs::write_file_atomic(space_dir(state.name) / space_files::state, state_to_json(state), 0600);
}

std::vector<std::string> SpaceManager::names() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(host_.paths().spaces_dir(), ec)) {
        std::string name = entry.path().filename().string();
        if (name_problem(name).empty() && fs::is_real_dir(entry.path())) out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<SpaceEntry> SpaceManager::entries() const {
    std::vector<SpaceEntry> out;
    for (const auto &name : names()) {
        if (!exists(name)) continue; // being created, or left by an interrupted create
        SpaceEntry entry{name, std::nullopt, {}};
        try {
            entry.state = load(name);
        } catch (const Error &e) {
            if (!exists(name)) continue; // removed meanwhile by another command: not listed
            entry.damage = e.what(); // one damaged space must not hide the others
        }
        out.push_back(std::move(entry));
    }
    return out;
}

std::vector<SpaceState> SpaceManager::list() const {
    std::vector<SpaceState> out;
    for (auto &entry : entries())
        if (entry.state) out.push_back(std::move(*entry.state));
    return out;
}

FileLock SpaceManager::lock(const std::string &name) const {
    std::error_code ec;
    auto dir = space_dir(name);
    if (!std::filesystem::is_directory(dir, ec)) load(name); // throws "no space named ..."
    if (!fs::is_real_dir(dir))
        throw Error(dir.string() + " is a symbolic link, not a space directory",
                    "dspace never follows links inside its home; remove the link with `dspace rm --force " + name + "`");
    return FileLock(dir / space_files::lock, "space '" + name + "'");
}

sdk::Server SpaceManager::server(const SpaceState &state) const {
    sdk::Server s;
    auto dir = space_dir(state.name);
    s.space = state.name;
    s.version = state.version;
    s.data_dir = (dir / "data").string();
    s.run_dir = (dir / "run").string();
    s.log_file = (dir / "logs" / "server.log").string();
    s.listen_address = state.listen_address;
    s.port = state.port;
    s.os_user = state.os_user;
    s.user = state.user;
    s.password = state.password;
    s.database = state.database;
    return s;
}

sdk::Flavour &SpaceManager::flavour(const SpaceState &state) const { return plugins_.flavour(state.flavour); }

std::string SpaceManager::display_url(const SpaceState &state) const {
    sdk::Flavour *f = plugins_.try_flavour(state.flavour);
    if (f == nullptr) return {};
    sdk::Server srv = server(state);
    // mask_secret also covers a password a plugin left in the URL by mistake (e.g. in its query).
    if (auto *display = plugins_.capability<sdk::DisplayUrl>(state.flavour)) return mask_secret(display->display_url(srv), state.password);
    for (const auto &[name, value] : f->environment(srv))
        if (name == "DATABASE_URL") return mask_secret(url_without_password(value), state.password);
    return state.flavour + "://" + sdk::url_bracketed_host(state.listen_address) + ":" + std::to_string(state.port);
}

} // namespace dspace
