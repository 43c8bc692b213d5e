// Starting this very dspace again in the background (expiry watchers, background pushes) with this invocation's
// plugin options.
#pragma once

#include <dspace/core/context.hpp>
#include <dspace/core/error.hpp>

#include <climits>
#include <string>
#include <unistd.h>
#include <vector>

namespace dspace::cli {

//! argv running this program's own file (/proc/self/exe) quietly with this invocation's plugin options, then verb.
inline std::vector<std::string> self_invocation(Context &context, const std::string &verb) {
    char path[PATH_MAX];
    ssize_t length = ::readlink("/proc/self/exe", path, sizeof path - 1);
    if (length <= 0) throw Error("cannot find the dspace program in /proc/self/exe to start a background process");
    std::vector<std::string> args{std::string(path, static_cast<size_t>(length)), "--quiet"};
    for (const auto &file : context.options().plugins.explicit_files) args.insert(args.end(), {"--plugin", file.string()});
    for (const auto &dir : context.options().plugins.dirs) args.insert(args.end(), {"--plugin-dir", dir.string()});
    args.push_back(verb);
    return args;
}

} // namespace dspace::cli
