// TCP port checks and picks.
#include <dspace/core/error.hpp>
#include <dspace/core/ports.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace dspace {

namespace {

//! Binds a TCP socket to address:port (port 0 = any); returns the bound port, or 0 when it cannot bind.
int try_bind(const std::string &address, int port) {
    bool v6 = address.find(':') != std::string::npos;
    int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    int one = 1; // like the servers do: lingering TIME_WAIT connections must not make a port look busy
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    int bound = 0;
    if (v6) {
        sockaddr_in6 sa {};
        sa.sin6_family = AF_INET6;
        sa.sin6_port = htons(static_cast<uint16_t>(port));
        if (::inet_pton(AF_INET6, address.c_str(), &sa.sin6_addr) == 1 &&
            ::bind(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) == 0) {
            socklen_t len = sizeof sa;
            ::getsockname(fd, reinterpret_cast<sockaddr *>(&sa), &len);
            bound = ntohs(sa.sin6_port);
        }
    } else {
        sockaddr_in sa {};
        sa.sin_family = AF_INET;
        sa.sin_port = htons(static_cast<uint16_t>(port));
        if (::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) == 1 &&
            ::bind(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) == 0) {
            socklen_t len = sizeof sa;
            ::getsockname(fd, reinterpret_cast<sockaddr *>(&sa), &len);
            bound = ntohs(sa.sin_port);
        }
    }
    ::close(fd);
    return bound;
}

} // namespace

bool port_available(const std::string &address, int port) {
    // A server on the wildcard address blocks the port for 127.0.0.1 too, and the reverse.
    return try_bind(address, port) == port && (address == "0.0.0.0" || try_bind("0.0.0.0", port) == port);
}

int pick_free_port(const std::string &address, const std::set<int> &taken) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        int port = try_bind(address, 0);
        if (port > 0 && !taken.count(port) && port_available(address, port)) return port;
    }
    throw Error("cannot find a free TCP port on " + address, "pass one with --port N");
}

} // namespace dspace
