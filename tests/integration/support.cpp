#include "support.hpp"

#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <csignal>
#include <fcntl.h>
#include <cstdlib>
#include <iostream>
#include <unistd.h>

namespace dspace_test {

RunResult run_dspace(const std::vector<std::string> &args, int timeout_seconds,
                     const std::vector<std::pair<std::string, std::string>> &env) {
    dspace::ProcessRunnerImpl runner(nullptr);
    dspace::sdk::Command command;
    command.argv = {DSPACE_TEST_BINARY};
    command.argv.insert(command.argv.end(), args.begin(), args.end());
    command.env = env;
    command.timeout = std::chrono::seconds(timeout_seconds);
    auto ran = runner.run(command);
    RunResult result;
    if (!ran) {
        result.err = ran.status().message();
        return result;
    }
    result.exit_code = ran->exit_code;
    result.out = ran->out;
    result.err = ran->err;
    return result;
}

namespace {

//! The contents of /proc/PID/<file>, or what could be read before the process exited (read(2) then fails,
//! which std::ifstream would turn into an exception).
std::string proc_file(const std::filesystem::path &process, const char *file) {
    std::string text;
    int fd = ::open((process / file).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return text;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(n));
    ::close(fd);
    return text;
}

//! Processes whose command line or environment mentions text: servers started below a home, and dspace
//! processes still working in it (e.g. the background refill of a spare template).
std::vector<pid_t> processes_mentioning(const std::string &text) {
    std::vector<pid_t> found;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator("/proc", ec)) {
        pid_t pid = static_cast<pid_t>(std::atoi(entry.path().filename().c_str()));
        if (pid <= 0 || pid == ::getpid()) continue;
        if (proc_file(entry.path(), "cmdline").find(text) != std::string::npos ||
            proc_file(entry.path(), "environ").find(text) != std::string::npos)
            found.push_back(pid);
    }
    return found;
}

} // namespace

TestHome::TestHome() {
    ::setenv("DSPACE_HOME", path().c_str(), 1);
    ::setenv("DSPACE_PLUGIN_PATH", "", 1);
}

TestHome::~TestHome() {
    run_dspace({"rm", "--all", "--force"}, 120);
    for (pid_t pid : processes_mentioning(path().string())) {
        ::kill(pid, SIGKILL);
        ::kill(pid, SIGCONT);
    }
    for (pid_t pid : processes_mentioning(path().string())) dspace::wait_for_exit(pid, std::chrono::seconds(5));
    ::unsetenv("DSPACE_HOME");
    ::unsetenv("DSPACE_PLUGIN_PATH");
}

std::string TestHome::ok(const std::vector<std::string> &args) const {
    RunResult r = run(args);
    INFO("dspace " << args.front() << " failed: " << r.out << r.err);
    REQUIRE(r.succeeded());
    return r.out;
}

std::string query(const TestHome &home, const FlavourSql &client, const std::string &space, const std::string &sql) {
    INFO("sql in " << space << ": " << sql);
    std::vector<std::string> args{"shell", space, "--"};
    args.insert(args.end(), client.query_flags.begin(), client.query_flags.end());
    args.push_back(sql);
    RunResult r = home.run(args);
    if (!r.succeeded()) {
        INFO("the end of the server log: " << home.run({"logs", space, "-n", "15"}).out);
        INFO("dspace shell failed: " << r.out << r.err);
        REQUIRE(r.succeeded());
    }
    return r.out;
}

std::string query(const TestHome &home, const std::string &space, const std::string &sql) {
    std::string out = query(home, postgres_sql(), space, sql);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

std::string status_field(const TestHome &home, const std::string &space, const std::string &key) {
    RunResult r = home.run({"status", space, "--json"});
    INFO("dspace status " << space << " --json: " << r.err);
    REQUIRE(r.exit_code == 0);
    rapidjson::Document doc;
    doc.Parse(r.out.c_str());
    REQUIRE(doc.IsObject());
    REQUIRE(doc.HasMember(key.c_str()));
    const auto &value = doc[key.c_str()];
    if (value.IsString()) return value.GetString();
    if (value.IsInt64()) return std::to_string(value.GetInt64());
    return value.IsNull() ? "null" : "?";
}

std::string env_value(const TestHome &home, const std::string &space, const std::string &name) {
    std::string env = home.ok({"env", space});
    auto at = env.find("export " + name + "='");
    if (at == std::string::npos) return {};
    at += name.size() + 9;
    return env.substr(at, env.find('\'', at) - at);
}

bool have_program(const std::string &path) {
    if (::access(path.c_str(), X_OK) == 0) return true;
    std::cout << "skipped: " << path << " is not installed\n";
    return false;
}

bool mariadb_installed() {
    for (const char *tool : {"/usr/sbin/mariadbd", "/usr/bin/mariadb-install-db", "/usr/bin/mariadb"})
        if (!std::filesystem::exists(tool)) {
            WARN("skipping: " << tool << " is not installed (apt-get install mariadb-server mariadb-client)");
            return false;
        }
    return true;
}

} // namespace dspace_test
