#include <dspace/core/error.hpp>
#include <dspace/core/names.hpp>

#include <array>
#include <cctype>

namespace dspace {

namespace {
// Words that would read as a command or option where a name is expected.
constexpr std::array reserved{"all", "ls", "list", "rm", "cp", "inspect", "verify", "help", "create", "status",
                              "start", "stop", "pause", "resume", "snapshot", "rollback", "copy", "env", "exec",
                              "shell", "logs", "plugins", "setup", "config", "migrate"};

//! The checks every name passes: one path component of safe characters.
std::string component_problem(std::string_view name) {
    if (name.empty()) return "it is empty";
    if (name.size() > 63) return "it is longer than 63 characters";
    if (!std::isalnum(static_cast<unsigned char>(name[0]))) return "it must start with a letter or digit";
    for (char c : name) {
        auto u = static_cast<unsigned char>(c);
        if (!(std::isalnum(u) || c == '-' || c == '_'))
            return std::iscntrl(u) ? "it contains a control character" : std::string("it contains '") + c + "'";
    }
    return {};
}

} // namespace

std::string name_problem(std::string_view name) {
    if (std::string problem = component_problem(name); !problem.empty()) return problem;
    for (const char *word : reserved)
        if (name == word) return "'" + std::string(name) + "' is a reserved word";
    return {};
}

void validate_name(std::string_view name, std::string_view what) {
    std::string problem = what == "plugin" ? component_problem(name) : name_problem(name);
    if (!problem.empty())
        throw UsageError("invalid " + std::string(what) + " name '" + std::string(name) + "': " + problem,
                         "use letters, digits, '-' and '_' (at most 63 characters)");
}

} // namespace dspace
