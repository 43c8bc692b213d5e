// dspace plugin SDK: a helper that finds an external tool and reads its version.
#pragma once

#include "host.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace dspace::sdk {

//! Looks for a program in PATH and extra_dirs, runs `program <version_args>` (default --version), and
//! keeps the first line it prints; with empty version_args the program is only looked for, never run
//! (for programs that act on any argument). Used by every plugin's probe().
inline ToolProbe probe_tool(Host &host, std::string_view program, std::string install_hint,
                            const std::vector<std::string> &extra_dirs = {}, bool required = true,
                            const std::vector<std::string> &version_args = {"--version"}) {
    ToolProbe probe;
    probe.tool = std::string(program);
    probe.required = required;
    probe.install_hint = std::move(install_hint);
    probe.path = host.processes().find_program(program, extra_dirs);
    if (probe.path.empty()) return probe;
    probe.found = true;
    if (version_args.empty()) return probe;
    Command version;
    version.argv = {probe.path};
    version.argv.insert(version.argv.end(), version_args.begin(), version_args.end());
    version.timeout = std::chrono::seconds(20);
    auto ran = host.processes().run(version);
    if (ran.ok()) {
        std::string text = ran->out.empty() ? ran->err : ran->out;
        probe.version = text.substr(0, text.find('\n'));
    }
    return probe;
}

} // namespace dspace::sdk
