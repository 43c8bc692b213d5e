// What process.cpp and pipeline.cpp share: a child's plan, prepared before fork, and the steps after it.
#pragma once

#include <dspace/core/process.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dspace {

//! Everything a child needs, prepared before fork so the child only makes system calls.
struct ChildPlan {
    std::vector<std::string> argv_storage;
    std::vector<char *> argv;
    std::vector<std::string> env_storage;
    std::vector<char *> envp;
    std::string program; // resolved path
    std::string cwd;
    std::optional<OsUser> user;
    std::string stdin_file;
    bool stdin_ready = false;     // stdin was already set up by the caller (a pipeline stage)
    pid_t parent = 0;             // the dspace process, for helpers that must die with it
    bool die_with_parent = false; // true for helpers (rsync, pg_dump…), false for detached servers
};

//! The plan for command: program resolved in PATH, argv, merged environment; throws Error when the program is missing.
ChildPlan plan_child(const sdk::Command &command);
//! In the child after fork: stdin (unless stdin_ready), working directory, identity, then exec.
//! report_fd gets a message when a step fails; never returns.
[[noreturn]] void become(const ChildPlan &plan, int report_fd);
//! Reads the error message a child wrote before exec failed; empty when exec succeeded (pipe closed on exec).
std::string read_exec_report(int fd);

} // namespace dspace
