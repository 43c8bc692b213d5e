#include "support.hpp"

#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace dspace_test {

RunResult run_dspace(const std::vector<std::string> &args, int timeout_seconds) {
    dspace::ProcessRunnerImpl runner(nullptr);
    dspace::sdk::Command command;
    command.argv = {DSPACE_TEST_BINARY};
    command.argv.insert(command.argv.end(), args.begin(), args.end());
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

//! Processes whose command line mentions text (servers started below a home).
std::vector<pid_t> processes_mentioning(const std::string &text) {
    std::vector<pid_t> found;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator("/proc", ec)) {
        pid_t pid = static_cast<pid_t>(std::atoi(entry.path().filename().c_str()));
        if (pid <= 0 || pid == ::getpid()) continue;
        std::ifstream in(entry.path() / "cmdline", std::ios::binary);
        std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (cmdline.find(text) != std::string::npos) found.push_back(pid);
    }
    return found;
}

} // namespace

TestHome::TestHome() {
    char pattern[] = "/tmp/dspace-test-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
    ::setenv("DSPACE_HOME", pattern, 1);
}

TestHome::~TestHome() {
    run_dspace({"rm", "--all", "--force"}, 120);
    for (pid_t pid : processes_mentioning(path_.string())) {
        ::kill(pid, SIGKILL);
        ::kill(pid, SIGCONT);
    }
    for (pid_t pid : processes_mentioning(path_.string())) dspace::wait_for_exit(pid, std::chrono::seconds(5));
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
    ::unsetenv("DSPACE_HOME");
}

std::string query(const TestHome &home, const std::string &space, const std::string &sql) {
    RunResult r = home.run({"shell", space, "--", "-tAc", sql});
    INFO("dspace shell " << space << " -- -tAc " << sql << "\nstderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    std::string out = r.out;
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

bool have_program(const std::string &path) {
    if (::access(path.c_str(), X_OK) == 0) return true;
    std::cout << "skipped: " << path << " is not installed\n";
    return false;
}

} // namespace dspace_test
