// Own processes only: a pid recorded in a space's state, or in the marker of an interrupted create, is signalled
// only when it proves to be the space's server (start time, executable, data directory). An unrelated process
// whose pid lands there (pid reuse, a damaged or planted file) is left alone, whatever the verb.
#include "support.hpp"

#include <dspace/core/fs.hpp>
#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <regex>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using dspace_test::TestHome;

namespace {

//! A process that is not a database server: `sh -c 'sleep 600; :' ARG0` (ARG0 shows in its argv); killed when destroyed.
class Bystander {
public:
    explicit Bystander(const std::string &arg0 = "bystander", int inherited_fd = -1) {
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::setsid();
            if (inherited_fd >= 0) ::fcntl(inherited_fd, F_SETFD, 0);
            ::execl("/bin/sh", "sh", "-c", "sleep 600; :", arg0.c_str(), static_cast<char *>(nullptr));
            ::_exit(127);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ~Bystander() {
        for (pid_t p : dspace::process_tree(pid_)) ::kill(p, SIGKILL);
        ::kill(pid_, SIGCONT);
        ::waitpid(pid_, nullptr, 0);
    }
    pid_t pid() const { return pid_; }
    unsigned long long start_time() const { return dspace::process_start_time(pid_).value_or(0); }
    //! True when it still runs and was not stopped (SIGSTOP) either.
    bool untouched() const {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG | WUNTRACED) != 0) return false;
        char state = dspace::process_state(pid_);
        return state != '\0' && state != 'T' && state != 'Z';
    }

private:
    pid_t pid_ = 0;
};

//! Rewrites pid and pid_start_time in the space's space.json.
void plant_pid(const TestHome &home, const std::string &space, pid_t pid, unsigned long long start) {
    auto file = home.path() / "spaces" / space / "space.json";
    std::string text = dspace::fs::read_file(file);
    text = std::regex_replace(text, std::regex("\"pid\": [0-9]+"), "\"pid\": " + std::to_string(pid));
    text = std::regex_replace(text, std::regex("\"pid_start_time\": [0-9]+"), "\"pid_start_time\": " + std::to_string(start));
    dspace::fs::write_file_atomic(file, text, 0600);
}

//! A pid that belonged to a process that has ended.
pid_t dead_pid() {
    pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    ::waitpid(pid, nullptr, 0);
    return pid;
}

} // namespace

TEST_CASE("a pid in space.json that is not the space's server is never signalled", "[integration][identity]") {
    TestHome home;
    home.ok({"create", "a", "--flavour", "postgres"});
    home.ok({"stop", "a"});
    for (bool with_start_time : {true, false}) {
        INFO((with_start_time ? "with its real start time" : "with start time 0"));
        Bystander other;
        plant_pid(home, "a", other.pid(), with_start_time ? other.start_time() : 0);
        CHECK(dspace_test::status_field(home, "a", "status") == "stopped");
        home.ok({"list"});
        home.run({"stop", "a"});
        CHECK(other.untouched());
        plant_pid(home, "a", other.pid(), with_start_time ? other.start_time() : 0);
        home.run({"pause", "a"});
        CHECK(other.untouched());
        home.ok({"snapshot", "a", with_start_time ? "s1" : "s0"});
        CHECK(other.untouched());
        plant_pid(home, "a", other.pid(), with_start_time ? other.start_time() : 0);
        home.run({"rollback", "a", "--to", with_start_time ? "s1" : "s0"});
        CHECK(other.untouched());
        plant_pid(home, "a", other.pid(), with_start_time ? other.start_time() : 0);
        home.run({"copy", "a", with_start_time ? "c1" : "c0"});
        CHECK(other.untouched());
    }
    Bystander last;
    plant_pid(home, "a", last.pid(), last.start_time());
    home.ok({"rm", "--force", "a"});
    CHECK(last.untouched());
}

TEST_CASE("a stale create marker naming an unrelated process does not get it killed", "[integration][identity]") {
    TestHome home;
    home.ok({"create", "a", "--flavour", "postgres"}); // makes the home and the spaces directory
    for (bool with_start_time : {true, false}) {
        INFO((with_start_time ? "with its real start time" : "with start time 0"));
        Bystander other;
        auto dir = home.path() / "spaces" / "half";
        std::filesystem::create_directory(dir);
        std::string start = with_start_time ? std::to_string(other.start_time()) : "0";
        dspace::fs::write_file_atomic(dir / ".creating",
                                      std::to_string(dead_pid()) + " 1 " + std::to_string(other.pid()) + " " + start + " 5999\n" +
                                          "/usr/lib/postgresql/15/bin/postgres\n" + (dir / "data").string() + "\n",
                                      0600);
        home.ok({"list"});
        CHECK(other.untouched());
        CHECK_FALSE(std::filesystem::exists(dir)); // the leftover itself is cleaned up
        std::filesystem::create_directory(dir);
        dspace::fs::write_file_atomic(dir / ".creating", std::to_string(dead_pid()) + " 1 " + std::to_string(other.pid()) + " " + start + " 5999\n", 0600);
        home.run({"rm", "--force", "half"});
        CHECK(other.untouched());
    }
}

TEST_CASE("a process holding a space's port with its data directory in its arguments is not killed", "[integration][identity]") {
    TestHome home;
    home.ok({"create", "a", "--flavour", "postgres"});
    int port = std::stoi(dspace_test::status_field(home, "a", "port"));
    home.ok({"stop", "a"});
    // Like `less …/data/log` or a path ending in data.rollback-new: the data directory is a substring of an argument.
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa {};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) == 0);
    REQUIRE(::listen(fd, 1) == 0);
    Bystander holder((home.path() / "spaces" / "a" / "data" / "log").string(), fd);
    ::close(fd);
    auto started = home.run({"start", "a"});
    CHECK(started.exit_code == 1);
    CHECK_THAT(started.err, Catch::Contains("port " + std::to_string(port)));
    CHECK(holder.untouched());
}
