#include "mysql_tools.hpp"

#include <dspace/sdk/probe.hpp>

#include <cstdlib>
#include <sstream>
#include <unistd.h>

namespace dspace::mysql {

std::vector<std::string> tool_names(Tool tool) {
    switch (tool) {
    case Tool::server: return {"mariadbd", "mysqld"};
    case Tool::install_db: return {"mariadb-install-db", "mysql_install_db"};
    case Tool::client: return {"mariadb", "mysql"};
    case Tool::admin: return {"mariadb-admin", "mysqladmin"};
    case Tool::dump: return {"mariadb-dump", "mysqldump"};
    }
    return {};
}

std::vector<std::string> tool_dirs() { return {"/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"}; }

std::string tool_path(Tool tool) {
    std::vector<std::string> dirs;
    std::stringstream path(std::getenv("PATH") ? std::getenv("PATH") : "");
    for (std::string dir; std::getline(path, dir, ':');)
        if (!dir.empty()) dirs.push_back(dir);
    for (const auto &dir : tool_dirs()) dirs.push_back(dir);
    auto names = tool_names(tool);
    for (const auto &name : names)
        for (const auto &dir : dirs) {
            std::string candidate = dir + "/" + name;
            if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        }
    return names.front();
}

sdk::ToolProbe probe(sdk::Host &host, Tool tool) {
    auto names = tool_names(tool);
    // mariadb-install-db has no --version: any run may initialise a data directory, so it is only looked for.
    std::vector<std::string> version_args;
    if (tool != Tool::install_db) version_args = {"--version"};
    for (const auto &name : names) {
        auto found = sdk::probe_tool(host, name, install_hint, tool_dirs(), true, version_args);
        if (found.found) return found;
    }
    return sdk::probe_tool(host, names.front(), install_hint, tool_dirs(), true, version_args);
}

} // namespace dspace::mysql
