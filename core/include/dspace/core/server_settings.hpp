// A space's own server settings (`dspace create --set`, `dspace set`): parsed, merged with the configured
// defaults, written into the server's configuration at every start, and changed with a checked restart.
#pragma once

#include <dspace/core/config.hpp>
#include <dspace/core/space.hpp>

#include <string>
#include <utility>
#include <vector>

namespace dspace {

//! Server settings as (key, value), in the order they were given.
using ServerSettings = std::vector<std::pair<std::string, std::string>>;

//! Parses KEY=VALUE words; throws UsageError for a word without '=', a key that is not letters, digits, '_',
//! '-' and '.', or a value with a line break.
ServerSettings parse_settings(const std::vector<std::string> &words);
//! base with each change applied (a key already there keeps its place) and each key of unset removed.
ServerSettings merge_settings(ServerSettings base, const ServerSettings &changes, const std::vector<std::string> &unset = {});
//! The defaults of config flavours.<flavour>.settings (an object of KEY: VALUE); empty when unset.
ServerSettings configured_settings(const sdk::ConfigView &config, const std::string &flavour);
//! Throws UsageError when flavour cannot take settings, or a key is one dspace manages itself (e.g. port).
void check_settings(const std::string &flavour, const ServerSettings &settings);
//! Appends state's settings to the configuration file its flavour's configure() has just written in the
//! stopped data directory srv.data_dir (postgres: dspace.conf; mysql: dspace.cnf).
void write_server_settings(const SpaceState &state, const sdk::Server &srv);

//! Changes the settings of space name and restarts it to apply them (a stopped space is started to check them
//! and stopped again). When the server does not start, puts the previous settings back, restarts the space as
//! it was and throws Error with the server's own message.
SpaceState change_settings(SpaceManager &spaces, const std::string &name, const ServerSettings &changes,
                           const std::vector<std::string> &unset);

} // namespace dspace
