// TCP ports for servers: is one free, and pick a free one.
#pragma once

#include <set>
#include <string>

namespace dspace {

//! True when a TCP listener could bind address:port right now.
bool port_available(const std::string &address, int port);
//! A port that is free on address and not in taken (e.g. ports of stopped spaces); throws Error when none is.
int pick_free_port(const std::string &address, const std::set<int> &taken);

} // namespace dspace
