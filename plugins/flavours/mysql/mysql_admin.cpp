#include "mysql_admin.hpp"

#include <chrono>
#include <sstream>

namespace dspace::mysql {

std::string output_tail(const sdk::ProcessResult &result) {
    if (result.timed_out) return "it did not finish in time";
    std::istringstream text(result.err.empty() ? result.out : result.err);
    std::vector<std::string> lines;
    for (std::string line; std::getline(text, line);)
        if (!line.empty()) lines.push_back(line);
    if (lines.empty()) return "exit status " + std::to_string(result.exit_code);
    std::string tail;
    for (size_t i = lines.size() > 6 ? lines.size() - 6 : 0; i < lines.size(); ++i) tail += (tail.empty() ? "" : "\n") + lines[i];
    return tail;
}

sdk::Command as_root(Tool tool, const sdk::Server &server) {
    sdk::Command command;
    command.argv = {tool_path(tool), "--no-defaults", "--socket=" + socket_path(server), "--user=root"};
    return command;
}

sdk::Result<std::vector<std::string>> query(sdk::Host &host, const sdk::Server &server, const std::string &sql) {
    auto command = as_root(Tool::client, server);
    command.argv.insert(command.argv.end(), {"--batch", "--raw", "--skip-column-names", "--execute=" + sql});
    command.timeout = std::chrono::seconds(30);
    auto ran = host.processes().run(command);
    if (!ran) return ran.status();
    if (!ran->succeeded())
        return sdk::Status::failure("query on the MariaDB server of space '" + server.space + "' failed: " + output_tail(*ran),
                                    "check that the space runs (`dspace list`) and read its log: `dspace logs " + server.space + "`");
    std::vector<std::string> rows;
    std::istringstream lines(ran->out);
    for (std::string line; std::getline(lines, line);) rows.push_back(line);
    return rows;
}

} // namespace dspace::mysql
