// A real S3-compatible server (npm's s3rver) on 127.0.0.1 for one test, with a bucket and the AWS_* variables
// set for it; stopped (and its directory removed) when the test ends, also on failure.
#pragma once

#include "temp_dir.hpp"

#include <dspace/core/process.hpp>

#include <arpa/inet.h>
#include <csignal>
#include <cstdlib>
#include <netinet/in.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace dspace_test {

//! The path of s3rver, or "" when it is not installed (tests then skip and say why).
inline std::string s3rver_program() {
    for (const char *path : {"/usr/bin/s3rver", "/usr/local/bin/s3rver"})
        if (::access(path, X_OK) == 0) return path;
    return "";
}

//! s3rver serving bucket on a free port of 127.0.0.1.
class S3Server {
public:
    explicit S3Server(std::string bucket = "dspace-test") : bucket_(std::move(bucket)), port_(free_port()) {
        dspace::sdk::Command command;
        command.argv = {s3rver_program(), "-d", data_.path().string(), "-a", "127.0.0.1", "-p", std::to_string(port_), "--silent",
                        "--service-endpoint", "localhost", "--configure-bucket", bucket_};
        pid_ = dspace::spawn_detached(command, (log_.path() / "s3rver.log").string());
        for (int i = 0; i < 200 && !accepting(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (!accepting()) {
            stop();
            throw std::runtime_error("s3rver did not start on port " + std::to_string(port_));
        }
        ::setenv("AWS_ACCESS_KEY_ID", "S3RVER", 1);
        ::setenv("AWS_SECRET_ACCESS_KEY", "S3RVER", 1);
        ::setenv("AWS_REGION", "us-east-1", 1);
        ::setenv("AWS_ENDPOINT_URL", endpoint().c_str(), 1);
    }
    ~S3Server() {
        stop();
        for (const char *name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ENDPOINT_URL", "DSPACE_S3_ADDRESSING_STYLE"})
            ::unsetenv(name);
    }
    S3Server(const S3Server &) = delete;
    S3Server &operator=(const S3Server &) = delete;
    //! http://127.0.0.1:PORT
    std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
    //! The bucket it serves.
    const std::string &bucket() const { return bucket_; }
    //! The port it listens on.
    int port() const { return port_; }
    //! Where it keeps its objects.
    const std::filesystem::path &data_dir() const { return data_.path(); }
    //! Stops the server (also done by the destructor).
    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        if (!dspace::wait_for_exit(pid_, std::chrono::seconds(5))) ::kill(pid_, SIGKILL);
        dspace::wait_for_exit(pid_, std::chrono::seconds(5));
        pid_ = -1;
    }

private:
    static int free_port() {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
            ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0)
            throw std::runtime_error("no free port on 127.0.0.1");
        ::close(fd);
        return ntohs(address.sin_port);
    }
    bool accepting() const {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(port_));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
        if (fd >= 0) ::close(fd);
        return ok;
    }
    std::string bucket_;
    int port_;
    TempDir data_{"dspace-s3rver-"};
    TempDir log_{"dspace-s3rver-log-"};
    pid_t pid_ = -1;
};

} // namespace dspace_test
