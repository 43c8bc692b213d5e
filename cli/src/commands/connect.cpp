// dspace shell | logs | env | exec: reaching a space's server.
#include "../command.hpp"
#include "space_common.hpp"

#include <dspace/core/env_format.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/process.hpp>
#include <dspace/core/space_environment.hpp>

#include <cstdlib>
#include <deque>
#include <fstream>
#include <iostream>
#include <thread>

namespace dspace::cli {

namespace {

//! The exit code of `dspace exec` when its program is not found, as shells use.
constexpr int exit_command_not_found = 127;

//! Tells on stderr that the space is paused, so a command that seems to hang is explained.
void warn_if_paused(SpaceManager &spaces, const SpaceState &state) {
    if (spaces.status(state) == SpaceStatus::paused)
        std::cerr << "dspace: space '" << state.name << "' is paused; the command will wait until `dspace resume " << state.name
                  << "`\n";
}

//! Loads a space and insists that its server runs (warning when it is paused).
SpaceState running_space(SpaceManager &spaces, const std::string &name) {
    SpaceState state = spaces.load(name);
    if (spaces.status(state) == SpaceStatus::stopped)
        throw Error("space '" + name + "' is not running", "start it with `dspace start " + name + "`");
    warn_if_paused(spaces, state);
    return state;
}

int run_shell(Context &context, const std::vector<std::string> &args) {
    std::vector<std::string> rest = args;
    std::vector<std::string> passthrough = take_passthrough(rest);
    VerbSpec spec;
    spec.usage = "dspace shell NAME [--system] [-- ARGS...]";
    spec.description =
        "Opens the flavour's client (psql, mariadb) connected to the space; ARGS after -- are passed to it, so it also\n"
        "works without a terminal: dspace shell db -- -tAc 'select 1'. With --system, opens $SHELL (or /bin/bash)\n"
        "in the space's directory with its connection variables set.";
    std::string name;
    spec.options.add_options()("name", po::value(&name)->required(), "the space")("system", "an OS shell with the space's environment");
    spec.positional.add("name", 1);
    po::variables_map vm;
    if (!parse_verb("shell", spec, rest, vm)) return exit_ok;
    SpaceManager spaces = open_spaces(context, Access::read_only);
    SpaceState state = running_space(spaces, name);
    sdk::Command command;
    if (vm.count("system")) {
        const char *shell = std::getenv("SHELL");
        command.argv = {shell && *shell ? shell : "/bin/bash"};
        command.argv.insert(command.argv.end(), passthrough.begin(), passthrough.end());
        command.env = space_environment(spaces, state);
        command.cwd = spaces.space_dir(name).string();
    } else {
        command = spaces.flavour(state).client_command(spaces.server(state), passthrough);
    }
    exec_replace(command);
}

int run_exec(Context &context, const std::vector<std::string> &args) {
    std::vector<std::string> rest = args;
    std::vector<std::string> passthrough = take_passthrough(rest);
    VerbSpec spec;
    spec.usage = "dspace exec NAME -- CMD [ARGS...]";
    spec.description = "Runs CMD with the space's connection variables (see `dspace env`) and exits with its exit code.";
    std::string name;
    spec.options.add_options()("name", po::value(&name)->required(), "the space");
    spec.positional.add("name", 1);
    po::variables_map vm;
    if (!parse_verb("exec", spec, rest, vm)) return exit_ok;
    if (passthrough.empty()) throw UsageError("dspace exec needs a command after --", "e.g. dspace exec " + name + " -- env");
    SpaceManager spaces = open_spaces(context, Access::read_only);
    SpaceState state = spaces.load(name);
    if (context.host().processes().find_program(passthrough.front(), {}).empty())
        throw Error("command not found: " + passthrough.front(), "check its spelling and PATH", exit_command_not_found);
    warn_if_paused(spaces, state);
    sdk::Command command;
    command.argv = passthrough;
    command.env = space_environment(spaces, state);
    exec_replace(command);
}

int run_env(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace env NAME [--format shell|dotenv|json]";
    spec.description =
        "Prints the space's connection variables: DATABASE_URL, the flavour's own (PGHOST…, MYSQL_…), JDBC_URL and\n"
        "SQLALCHEMY_URL, with the password. In bash: eval \"$(dspace env NAME)\".";
    std::string name, format = "shell";
    spec.options.add_options()("name", po::value(&name)->required(), "the space")("format", po::value(&format), "shell (default), dotenv or json");
    spec.positional.add("name", 1);
    po::variables_map vm;
    if (!parse_verb("env", spec, args, vm)) return exit_ok;
    EnvFormat chosen = parse_env_format(format);
    SpaceManager spaces = open_spaces(context, Access::read_only);
    SpaceState state = spaces.load(name);
    std::cout << format_environment(spaces.flavour(state).environment(spaces.server(state)), chosen);
    return exit_ok;
}

//! Prints the last count lines of file (all when count < 0); returns the offset printed up to.
std::streamoff print_tail(const std::string &file, long count) {
    std::ifstream in(file, std::ios::binary);
    std::deque<std::string> lines;
    std::string line;
    std::streamoff end = 0;
    while (std::getline(in, line)) {
        end = in.tellg();
        lines.push_back(line);
        if (count >= 0 && lines.size() > static_cast<size_t>(count)) lines.pop_front();
    }
    for (const auto &l : lines) std::cout << l << "\n";
    std::cout.flush();
    return end < 0 ? 0 : end;
}

int run_logs(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace logs NAME [-f] [-n N]";
    spec.description = "Prints the server's log. -n N prints only the last N lines; -f keeps printing what is added (Ctrl-C ends).";
    std::string name;
    long count = -1;
    spec.options.add_options()
        ("name", po::value(&name)->required(), "the space")
        ("follow,f", "keep printing new lines")
        ("lines,n", po::value(&count), "print only the last N lines");
    spec.positional.add("name", 1);
    po::variables_map vm;
    if (!parse_verb("logs", spec, args, vm)) return exit_ok;
    SpaceManager spaces = open_spaces(context, Access::read_only);
    SpaceState state = spaces.load(name);
    std::string file = spaces.server(state).log_file;
    std::streamoff offset = print_tail(file, count);
    while (vm.count("follow")) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        std::ifstream in(file, std::ios::binary);
        in.seekg(0, std::ios::end);
        std::streamoff size = in.tellg();
        if (size < offset) offset = 0; // the log was truncated
        if (size <= offset) continue;
        in.seekg(offset);
        std::string chunk(static_cast<size_t>(size - offset), '\0');
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        std::cout << chunk << std::flush;
        offset = size;
    }
    return exit_ok;
}

} // namespace

void add_connect_commands(std::vector<Command> &table) {
    table.push_back({"shell", "open the space's database client, or an OS shell with its environment", run_shell});
    table.push_back({"env", "print the space's connection variables", run_env});
    table.push_back({"exec", "run a command with the space's connection variables", run_exec});
    table.push_back({"logs", "print the space's server log", run_logs});
}

} // namespace dspace::cli
