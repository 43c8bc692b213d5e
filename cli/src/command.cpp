#include "command.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/printable.hpp>
#include <dspace/core/suggest.hpp>

#include <cctype>
#include <iostream>
#include <sstream>

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
        add_settings_commands(t);
        add_housekeeping_commands(t);
        add_import_commands(t);
        add_export_commands(t);
        add_migrate_commands(t);
        add_init_commands(t);
        add_workflow_commands(t);
        add_remote_commands(t);
        add_transfer_commands(t);
        add_plugins_commands(t);
        add_expiry_commands(t);
        return t;
    }();
    return table;
}

namespace {

//! The words of the usage line's first line that stand for positional arguments ("NAME", "SNAP", "NAME..."):
//! upper-case words before the first option, bracket or alternative.
std::vector<std::string> usage_placeholders(const std::string &usage) {
    std::istringstream words(usage.substr(0, usage.find('\n')));
    std::vector<std::string> placeholders;
    for (std::string word; words >> word;) {
        if (word[0] == '-' || word[0] == '[' || word[0] == '|') break;
        if (std::isupper(static_cast<unsigned char>(word[0]))) placeholders.push_back(word);
    }
    return placeholders;
}

//! The usage line's word for a missing required option: its placeholder when it is positional, else its flag.
std::string missing_word(const VerbSpec &spec, const std::string &option) {
    std::string name = option.rfind("--", 0) == 0 ? option.substr(2) : option;
    auto placeholders = usage_placeholders(spec.usage);
    for (unsigned position = 0; position < placeholders.size(); ++position)
        if (position < spec.positional.max_total_count() && spec.positional.name_for_position(position) == name)
            return placeholders[position];
    return "--" + name;
}

//! "dspace create: unknown option '--flavor'; did you mean '--flavour'?"
std::string unknown_option_message(const std::string &verb, const VerbSpec &spec, const po::unknown_option &e) {
    std::vector<std::string> flags;
    for (const auto &option : spec.options.options()) flags.push_back("--" + option->long_name());
    std::string given = e.get_option_name();
    std::string guess = did_you_mean(given.substr(0, given.find('=')), flags);
    return "dspace " + verb + ": unknown option '" + given + "'" + (guess.empty() ? "" : "; did you mean '" + guess + "'?");
}

} // namespace

void print_error(const Error &error) {
    std::cerr << "error: " << printable(error.what()) << "\n";
    if (!error.hint().empty()) std::cerr << "hint: " << printable(error.hint()) << "\n";
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
    } catch (const po::required_option &e) {
        std::string usage = spec.usage.substr(0, spec.usage.find('\n'));
        throw UsageError("missing " + missing_word(spec, e.get_option_name()) + "; usage: " + usage,
                         "run `dspace " + verb + " --help` for its options");
    } catch (const po::unknown_option &e) {
        throw UsageError(unknown_option_message(verb, spec, e), "run `dspace " + verb + " --help` for its options");
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
