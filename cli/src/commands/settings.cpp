// dspace set: changes a space's own server settings, restarting it to apply them.
#include "../command.hpp"
#include "space_common.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/server_settings.hpp>

#include <iostream>

namespace dspace::cli {

namespace {

int run_set(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace set NAME KEY=VALUE... [--unset KEY]...";
    spec.description =
        "Changes server settings of a space (postgresql.conf parameters, or MariaDB [mysqld] options) and restarts\n"
        "its server to apply them; a stopped space is started to check them and stopped again. When the server\n"
        "does not start, its own message is shown and the space keeps its previous settings. `dspace status NAME`\n"
        "shows the space's settings; `dspace create --set` gives them at creation, and config\n"
        "flavours.<flavour>.settings gives defaults for new spaces.";
    std::string name;
    std::vector<std::string> words, unset;
    spec.options.add_options()
        ("name", po::value(&name)->required(), "the space")
        ("settings", po::value(&words)->multitoken(), "KEY=VALUE settings")
        ("unset", po::value(&unset), "remove the space's own value of KEY, back to the default (repeatable)");
    spec.positional.add("name", 1).add("settings", -1);
    po::variables_map vm;
    if (!parse_verb("set", spec, args, vm)) return exit_ok;
    if (words.empty() && unset.empty())
        throw UsageError("missing KEY=VALUE; usage: " + spec.usage, "e.g. dspace set " + name + " max_connections=50");
    ServerSettings changes = parse_settings(words);
    SpaceManager spaces = open_spaces(context);
    SpaceState state = change_settings(spaces, name, changes, unset);
    for (const auto &[key, value] : changes) std::cout << name << ": " << key << " = " << value << "\n";
    for (const auto &key : unset) std::cout << name << ": " << key << " unset\n";
    std::cout << "space '" << name << "' is " << to_string(spaces.status(state)) << " with its new settings\n";
    return exit_ok;
}

} // namespace

void add_settings_commands(std::vector<Command> &table) {
    table.push_back({"set", "change a space's server settings", run_set});
}

} // namespace dspace::cli
