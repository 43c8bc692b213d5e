// The dspace program: global options, then one verb from the command table.
#include "command.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/printable.hpp>
#include <dspace/core/suggest.hpp>
#include <dspace/sdk/version.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>

#ifndef DSPACE_VERSION
#define DSPACE_VERSION "0.0.0"
#endif

namespace {

using dspace::cli::commands;

void print_help() {
    std::cout << "dspace: ephemeral local PostgreSQL and MySQL/MariaDB databases for development.\n\n"
                 "Usage: dspace [global options] VERB [options] [arguments]\n\n"
                 "Verbs:\n";
    for (const auto &command : commands()) {
        if (command.summary.empty()) continue; // hidden: run by dspace itself
        std::string pad(std::max<size_t>(2, 12 - command.name.size()), ' ');
        std::cout << "  " << command.name << pad << command.summary << "\n";
    }
    std::cout << "\nGlobal options:\n"
                 "  -h, --help         show this help (or `dspace VERB --help` for one verb)\n"
                 "  --version          print the dspace and SDK versions\n"
                 "  -v, --verbose      log details to stderr\n"
                 "  -q, --quiet        only print errors\n"
                 "  --plugin FILE      load this plugin file (an error if it cannot be loaded)\n"
                 "  --plugin-dir DIR   look for plugins in DIR first (may be repeated)\n\n"
                 "Environment:\n"
                 "  DSPACE_HOME        where state lives (default: /var/lib/dataspace as root, ~/.dataspace otherwise)\n"
                 "  DSPACE_PLUGIN_PATH more plugin directories, separated by ':'\n";
}

//! Splits global options off the front; returns the index of the verb.
size_t parse_global(const std::vector<std::string> &args, dspace::GlobalOptions &options, bool &help, bool &version) {
    size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string &a = args[i];
        auto value = [&](const std::string &flag) -> std::string {
            if (i + 1 >= args.size()) throw dspace::UsageError(flag + " needs a value", "run `dspace --help`");
            return args[++i];
        };
        if (a == "-h" || a == "--help") help = true;
        else if (a == "--version") version = true;
        else if (a == "-v" || a == "--verbose") options.verbosity = dspace::Verbosity::verbose;
        else if (a == "-q" || a == "--quiet") options.verbosity = dspace::Verbosity::quiet;
        else if (a == "--plugin") options.plugins.explicit_files.emplace_back(value(a));
        else if (a == "--plugin-dir") options.plugins.dirs.emplace_back(value(a));
        else if (!a.empty() && a[0] == '-') throw dspace::UsageError("unknown global option '" + a + "'", "run `dspace --help`");
        else break;
    }
    return i;
}

int run(const std::vector<std::string> &args) {
    dspace::GlobalOptions options;
    bool help = false, version = false;
    size_t verb_at = parse_global(args, options, help, version);
    if (version) {
        std::cout << "dspace " << DSPACE_VERSION << " (plugin SDK " << DSPACE_SDK_VERSION_STRING << ")\n";
        return dspace::exit_ok;
    }
    if (verb_at >= args.size()) {
        print_help();
        return help ? dspace::exit_ok : dspace::exit_usage;
    }
    const std::string &verb = args[verb_at];
    auto it = std::find_if(commands().begin(), commands().end(), [&](const auto &c) { return c.name == verb; });
    if (it == commands().end()) {
        std::vector<std::string> verbs;
        for (const auto &command : commands())
            if (!command.summary.empty()) verbs.push_back(command.name);
        std::string guess = dspace::did_you_mean(verb, verbs);
        throw dspace::UsageError("unknown verb '" + verb + "'" + (guess.empty() ? "" : "; did you mean '" + guess + "'?"),
                                 "run `dspace --help` to see the verbs");
    }
    std::vector<std::string> rest(args.begin() + static_cast<long>(verb_at) + 1, args.end());
    if (help) rest.insert(rest.begin(), "--help");
    dspace::Context context(options);
    return it->run(context, rest);
}

} // namespace

int main(int argc, char **argv) {
    try {
        return run(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const dspace::Error &e) {
        dspace::cli::print_error(e);
        spdlog::debug("failed: {}", dspace::printable(e.what()));
        return e.exit_code();
    } catch (const std::exception &e) {
        std::cerr << "error: internal error: " << dspace::printable(e.what()) << "\n"
                  << "hint: run again with -v, and report it with the log in $DSPACE_HOME/logs/dspace.log\n";
        return dspace::exit_failed;
    }
}
