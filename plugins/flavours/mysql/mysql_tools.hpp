// The mysql flavour's external programs: MariaDB's names first, MySQL's (and older MariaDB's) as fallbacks.
#pragma once

#include <dspace/sdk/host.hpp>

#include <string>
#include <vector>

namespace dspace::mysql {

//! The programs the flavour runs.
enum class Tool { server, install_db, client, admin, dump };

//! How to install the programs on Debian/Ubuntu.
inline constexpr const char *install_hint = "apt-get install mariadb-server mariadb-client";

//! The names a tool goes by, preferred first (e.g. mariadbd, then mysqld).
std::vector<std::string> tool_names(Tool tool);
//! Directories searched besides PATH (the server lives in /usr/sbin, often not in a user's PATH).
std::vector<std::string> tool_dirs();
//! The absolute path of a tool, or its preferred name when absent (running it then fails naming it).
std::string tool_path(Tool tool);
//! Whether a tool was found, its version and where, through the host's process runner.
sdk::ToolProbe probe(sdk::Host &host, Tool tool);

} // namespace dspace::mysql
