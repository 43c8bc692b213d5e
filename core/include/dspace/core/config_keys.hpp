// The configuration keys dspace knows, with their types: what `config set` accepts and what config.json may hold.
//
// A pattern is a dotted key whose parts may be "<name>" (any one part) or, last, "*" (any further parts, any
// type). Built in: snapshots.default_snapshotter, spaces.listen_address, plugins.search_paths,
// flavours.<name>.server_user, remotes.<name>.url, storage.default_remote. Every loaded plugin may use any key below its own section
// (flavours.NAME.*, snapshotters.NAME.*, migrators.NAME.*).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dspace {

class PluginHost;

//! The type of a configuration value.
enum class ConfigType { text, boolean, integer, text_list, any };
//! "text", "true or false", "an integer", "a JSON array of strings", "any value".
const char *describe(ConfigType type);

//! One known key (pattern).
struct ConfigKey {
    std::string pattern;     //!< e.g. "flavours.<name>.server_user"
    ConfigType type;         //!< what its value must be
    std::string description; //!< one line for the user
};

//! Makes key_pattern a known key of that type (the registry is process-wide; a pattern registered twice is kept once).
void register_config_key(std::string key_pattern, ConfigType type, std::string description);
//! Registers flavours.NAME.*, snapshotters.NAME.* and migrators.NAME.* for every plugin plugins loaded.
void register_plugin_config_keys(const PluginHost &plugins);
//! Every known key, built-in ones first.
const std::vector<ConfigKey> &config_keys();
//! The known key that key matches, or nullptr.
const ConfigKey *find_config_key(std::string_view key);
//! True when key is a strict prefix of some known key, i.e. a section that must hold a JSON object.
bool is_config_section(std::string_view key);
//! Throws UsageError when key is not known (with a "did you mean" hint).
void require_known_config_key(std::string_view key);

} // namespace dspace
