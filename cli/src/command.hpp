// The command table: every verb of the dspace program, one file per command group in commands/.
#pragma once

#include <dspace/core/context.hpp>
#include <dspace/core/error.hpp>

#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace dspace::cli {

namespace po = boost::program_options;

//! One verb: its name, a one-line summary for `dspace --help`, and the function that runs it.
struct Command {
    std::string name;                                                   //!< the verb, e.g. "create"
    std::string summary;                                                //!< one line for `dspace --help`
    int (*run)(Context &context, const std::vector<std::string> &args); //!< returns the exit code
};

//! Every verb, in the order `dspace --help` lists them.
const std::vector<Command> &commands();

//! A verb's command line: options, positionals, usage line and description for --help.
struct VerbSpec {
    std::string usage;                       //!< e.g. "dspace create NAME --flavour F [options]"
    std::string description;                 //!< a paragraph shown under the usage
    po::options_description options{"Options"};
    po::positional_options_description positional;
};

//! Parses args against spec. Prints help and returns false on --help; throws UsageError
//! (exit 2, with a hint to run --help) on unknown options or bad values.
bool parse_verb(const std::string &verb, VerbSpec &spec, const std::vector<std::string> &args, po::variables_map &vm);

//! Prints "error: MESSAGE" and "hint: HINT" on stderr, with bytes that are not printable UTF-8 escaped.
void print_error(const Error &error);

//! The arguments after a literal "--" (passed through to another program), removed from args.
std::vector<std::string> take_passthrough(std::vector<std::string> &args);

// One registration function per command group (commands/*.cpp).
void add_plugins_commands(std::vector<Command> &table);  //!< plugins
void add_setup_commands(std::vector<Command> &table);    //!< setup
void add_config_commands(std::vector<Command> &table);   //!< config
void add_space_commands(std::vector<Command> &table);    //!< create, list, status, start, stop, pause, resume, rm
void add_connect_commands(std::vector<Command> &table);  //!< shell, env, exec, logs
void add_snapshot_commands(std::vector<Command> &table); //!< snapshot (ls, inspect, rm, cp, verify)
void add_rollback_commands(std::vector<Command> &table); //!< rollback, copy
void add_settings_commands(std::vector<Command> &table); //!< set
void add_housekeeping_commands(std::vector<Command> &table); //!< cache, gc
void add_expiry_commands(std::vector<Command> &table);   //!< _watch (hidden: a space's expiry watcher)
void add_import_commands(std::vector<Command> &table);   //!< import
void add_export_commands(std::vector<Command> &table);   //!< export
void add_migrate_commands(std::vector<Command> &table);  //!< migrate
void add_init_commands(std::vector<Command> &table);     //!< init
void add_workflow_commands(std::vector<Command> &table); //!< up, seed, dump, load, reset, down
void add_remote_commands(std::vector<Command> &table);   //!< remote (add, rm, ls)
void add_transfer_commands(std::vector<Command> &table); //!< push, pull

} // namespace dspace::cli
