#include "command.hpp"

#include <dspace/core/error.hpp>

#include <iostream>

namespace dspace::cli {

const std::vector<Command> &commands() {
    static const std::vector<Command> table = [] {
        std::vector<Command> t;
        add_setup_commands(t);
        add_config_commands(t);
        add_space_commands(t);
        add_connect_commands(t);
        add_snapshot_commands(t);
        add_rollback_commands(t);
        add_remote_commands(t);
        add_plugins_commands(t);
        return t;
    }();
    return table;
}

bool parse_verb(const std::string &verb, VerbSpec &spec, const std::vector<std::string> &args, po::variables_map &vm) {
    spec.options.add_options()("help,h", "show this help");
    try {
        auto parsed = po::command_line_parser(args).options(spec.options).positional(spec.positional).run();
        po::store(parsed, vm);
        if (vm.count("help")) {
            std::cout << "Usage: " << spec.usage << "\n\n" << spec.description << "\n\n" << spec.options << "\n";
            return false;
        }
        po::notify(vm);
    } catch (const po::error &e) {
        throw UsageError("dspace " + verb + ": " + e.what(), "run `dspace " + verb + " --help` for its options");
    }
    return true;
}

std::vector<std::string> take_passthrough(std::vector<std::string> &args) {
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--") {
            std::vector<std::string> rest(args.begin() + static_cast<long>(i) + 1, args.end());
            args.resize(i);
            return rest;
        }
    }
    return {};
}

} // namespace dspace::cli
