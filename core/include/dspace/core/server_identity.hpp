// What proves that a process is the database server dspace started for a space, before it is signalled.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace dspace {

//! The identity of a space's server: a process is acted on only when every part matches.
struct ServerIdentity {
    pid_t pid = 0;                     //!< the recorded pid
    unsigned long long start_time = 0; //!< its recorded kernel start time; 0 never matches
    std::string program;               //!< the flavour's server program (any path to it; compared canonically)
    std::string data_dir;              //!< the space's data directory, which is the server's working directory
};

//! True when identity.pid runs, started at identity.start_time (0 never matches), its /proc/PID/exe is
//! identity.program, and its working directory is identity.data_dir (same file, not a name match).
bool is_our_server(const ServerIdentity &identity);
//! Processes running program with data_dir as working directory: a server of that data directory whose pid
//! dspace lost (start time unknown). Never matches by substring.
std::vector<pid_t> servers_on(const std::string &program, const std::string &data_dir);

} // namespace dspace
