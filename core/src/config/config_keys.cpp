#include <dspace/core/config_keys.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/core/suggest.hpp>

#include <algorithm>
#include <sstream>

namespace dspace {

namespace {

std::vector<std::string> parts_of(std::string_view key) {
    std::vector<std::string> parts;
    std::stringstream in{std::string(key)};
    for (std::string part; std::getline(in, part, '.');) parts.push_back(part);
    return parts;
}

//! True when key's parts match pattern's; with prefix, when key matches a strict prefix of pattern (a section).
bool matches(const std::vector<std::string> &pattern, const std::vector<std::string> &key, bool prefix) {
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == "*") return !prefix && key.size() > i; // any further parts
        if (i == key.size()) return prefix;                     // key ended inside the pattern: a section
        if (pattern[i] != "<name>" && pattern[i] != key[i]) return false;
    }
    return !prefix && key.size() == pattern.size();
}

std::vector<ConfigKey> &registry() {
    static std::vector<ConfigKey> keys{
        {"snapshots.default_snapshotter", ConfigType::text, "the snapshotter `dspace snapshot` uses without --snapshotter"},
        {"spaces.listen_address", ConfigType::text, "the address new spaces listen on (default 127.0.0.1)"},
        {"plugins.search_paths", ConfigType::text_list, "more directories to load plugins from"},
        {"flavours.<name>.server_user", ConfigType::text, "the OS user a flavour's servers run as when dspace runs as root"},
        {"remotes.<name>.url", ConfigType::text, "a storage destination (`dspace remote add`): file:///path or s3://bucket/prefix"},
        {"storage.default_remote", ConfigType::text, "the remote push and pull use when none is named"},
        {"migrate.tool", ConfigType::text, "the migration tool `dspace migrate` uses without --tool"},
        {"migrate.folder", ConfigType::text, "the migrations folder `dspace migrate` uses without --folder"},
    };
    return keys;
}

} // namespace

const char *describe(ConfigType type) {
    switch (type) {
    case ConfigType::text: return "text";
    case ConfigType::boolean: return "true or false";
    case ConfigType::integer: return "an integer";
    case ConfigType::text_list: return "a JSON array of strings";
    case ConfigType::any: return "any value";
    }
    return "any value";
}

void register_config_key(std::string key_pattern, ConfigType type, std::string description) {
    auto &keys = registry();
    if (std::none_of(keys.begin(), keys.end(), [&](const ConfigKey &k) { return k.pattern == key_pattern; }))
        keys.push_back({std::move(key_pattern), type, std::move(description)});
}

void register_plugin_config_keys(const PluginHost &plugins) {
    // Keys a plugin declared (Registrar::add_config_key) come first, so their types are checked; then each loaded
    // plugin's section accepts any other key.
    for (const auto &declared : plugins.declared_config_keys()) {
        ConfigType type = declared.type == sdk::ConfigKeyType::integer   ? ConfigType::integer
                          : declared.type == sdk::ConfigKeyType::boolean ? ConfigType::boolean
                          : declared.type == sdk::ConfigKeyType::text_list ? ConfigType::text_list
                                                                           : ConfigType::text;
        register_config_key(declared.key, type, declared.description + " (" + declared.plugin + ")");
    }
    for (const auto *f : plugins.flavours())
        register_config_key("flavours." + f->name() + ".*", ConfigType::any, "a setting of the " + f->name() + " flavour");
    for (const auto *s : plugins.snapshotters())
        register_config_key("snapshotters." + s->name() + ".*", ConfigType::any, "a setting of the " + s->name() + " snapshotter");
    for (const auto *m : plugins.migrators())
        register_config_key("migrators." + m->name() + ".*", ConfigType::any, "a setting of the " + m->name() + " migrator");
}

const std::vector<ConfigKey> &config_keys() { return registry(); }

const ConfigKey *find_config_key(std::string_view key) {
    auto parts = parts_of(key);
    for (const auto &k : registry())
        if (matches(parts_of(k.pattern), parts, false)) return &k;
    return nullptr;
}

bool is_config_section(std::string_view key) {
    auto parts = parts_of(key);
    return std::any_of(registry().begin(), registry().end(), [&](const ConfigKey &k) { return matches(parts_of(k.pattern), parts, true); });
}

void require_known_config_key(std::string_view key) {
    if (find_config_key(key) != nullptr) return;
    std::vector<std::string> patterns;
    for (const auto &k : registry()) patterns.push_back(k.pattern);
    std::string suggestion = did_you_mean(key, patterns);
    std::string known;
    for (const auto &p : patterns) known += (known.empty() ? "" : ", ") + p;
    throw UsageError("unknown configuration key '" + std::string(key) + "'",
                     (suggestion.empty() ? "" : "did you mean '" + suggestion + "'? ") + "known keys: " + known);
}

} // namespace dspace
