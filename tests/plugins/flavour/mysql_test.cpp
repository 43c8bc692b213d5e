// The mysql flavour plugin, loaded from its built file, against real MariaDB servers.
#include "../../../plugins/flavours/mysql/mysql_cnf.hpp"
#include "../../../plugins/flavours/mysql/mysql_text.hpp"
#include "support/temp_dir.hpp"

#include <dspace/core/config.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/host_services.hpp>
#include <dspace/core/paths.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace stdfs = std::filesystem;
using namespace std::chrono_literals;

namespace {

//! A HostServices on a temporary DSPACE_HOME.
struct TestHost {
    dspace_test::TempDir dir{"dspace-mysql-test-", 0711};
    dspace::Config config{dir.path() / "home" / "config.json"};
    dspace::HostServices host{dspace::Paths(dir.path() / "home"), config};
};

//! The built mysql plugin, loaded through the plugin host.
struct LoadedPlugin {
    dspace::PluginHost plugins;
    dspace::sdk::Flavour *flavour = nullptr;
    LoadedPlugin() {
        plugins.load_file(stdfs::path(DSPACE_TEST_PLUGIN_DIR) / "dspace_flavour_mysql.so");
        flavour = plugins.try_flavour("mysql");
        REQUIRE(flavour != nullptr);
    }
};

//! A TCP port nobody listens on right now.
int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

dspace::sdk::Server sample_server() {
    dspace::sdk::Server server;
    server.space = "m";
    server.data_dir = "/h/spaces/m/data";
    server.run_dir = "/h/spaces/m/run";
    server.listen_address = "127.0.0.1";
    server.port = 41234;
    server.user = "dev";
    server.password = "p@ss:w/rd&x";
    server.database = "app";
    return server;
}

//! A directory owned by the server's OS user (when running as root), mode 0700.
void make_server_dir(const stdfs::path &dir, const std::string &os_user) {
    dspace::fs::make_private_dir(dir);
    if (!os_user.empty()) {
        auto user = dspace::os_user(os_user);
        dspace::fs::chown_tree(dir, user.uid, user.gid);
    }
}

//! A real MariaDB server initialised, configured and started by the flavour; killed when destroyed.
class RunningServer {
public:
    RunningServer(dspace::sdk::Flavour &flavour, dspace::HostServices &host, const stdfs::path &base, const std::string &name)
        : flavour_(flavour), host_(host) {
        server_.space = name;
        server_.data_dir = (base / name / "data").string();
        server_.run_dir = (base / name / "run").string();
        server_.log_file = (base / name / "server.log").string();
        server_.listen_address = "127.0.0.1";
        server_.port = free_port();
        server_.os_user = host.running_as_root() ? flavour.default_server_user() : "";
        server_.user = "dev";
        server_.password = "s3cr'et\\pw";
        server_.database = "app";
        dspace::fs::make_private_dir(base / name, 0711);
        make_server_dir(server_.data_dir, server_.os_user);
        make_server_dir(server_.run_dir, server_.os_user);
        auto initialised = flavour.init_cluster(host, server_);
        INFO(initialised.message());
        REQUIRE(initialised.ok());
        REQUIRE(flavour.configure(host, server_).ok());
        auto command = flavour.server_command(server_);
        command.run_as_user = server_.os_user;
        pid_ = dspace::spawn_detached(command, server_.log_file);
        auto deadline = std::chrono::steady_clock::now() + 60s;
        while (!flavour.is_ready(host, server_)) {
            INFO(log());
            REQUIRE(dspace::process_alive(pid_));
            REQUIRE(std::chrono::steady_clock::now() < deadline);
            std::this_thread::sleep_for(100ms);
        }
    }
    ~RunningServer() {
        if (pid_ > 0 && dspace::process_alive(pid_)) {
            ::kill(pid_, SIGKILL);
            dspace::wait_for_exit(pid_, 10s);
        }
    }
    RunningServer(const RunningServer &) = delete;
    RunningServer &operator=(const RunningServer &) = delete;

    const dspace::sdk::Server &server() const { return server_; }
    pid_t pid() const { return pid_; }
    //! The server's output so far.
    std::string log() const {
        std::ifstream in(server_.log_file);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    //! Stops the server with the flavour's clean signal; true when it exited in time.
    bool stop() {
        ::kill(pid_, flavour_.stop_signal(false));
        return dspace::wait_for_exit(pid_, 60s);
    }

private:
    dspace::sdk::Flavour &flavour_;
    dspace::HostServices &host_;
    dspace::sdk::Server server_;
    pid_t pid_ = 0;
};

//! Runs the flavour's client with args as the space's user; returns what it printed on success.
std::string client_output(dspace::HostServices &host, dspace::sdk::Flavour &flavour, const dspace::sdk::Server &server,
                          const std::vector<std::string> &args) {
    auto command = flavour.client_command(server, args);
    command.timeout = 30s;
    auto ran = host.processes().run(command);
    REQUIRE(ran.ok());
    INFO(ran->err);
    REQUIRE(ran->succeeded());
    return ran->out;
}

bool mariadb_installed(dspace::sdk::Flavour &flavour, dspace::HostServices &host) {
    for (const auto &probe : flavour.probe(host))
        if (!probe.found) {
            WARN("skipping: " << probe.tool << " is not installed (" << probe.install_hint << ")");
            return false;
        }
    return true;
}

} // namespace

TEST_CASE("mysql helpers quote SQL identifiers and strings", "[mysql]") {
    using namespace dspace::mysql;
    CHECK(quote_identifier("app") == "`app`");
    CHECK(quote_identifier("we`ird") == "`we``ird`");
    CHECK(quote_string("plain") == "'plain'");
    CHECK(quote_string("it's") == "'it''s'");
    CHECK(quote_string("back\\slash") == "'back\\\\slash'");
    CHECK(quote_string(std::string("nul\0x\n", 6)) == "'nul\\0x\\n'");
    CHECK(quote_account("dev", "127.0.0.1") == "'dev'@'127.0.0.1'");
}

TEST_CASE("mysql helpers encode URLs and parse versions", "[mysql]") {
    using namespace dspace::mysql;
    CHECK(url_encode("a-Z_0.~") == "a-Z_0.~");
    CHECK(url_encode("p@ss:w/rd&x y%") == "p%40ss%3Aw%2Frd%26x%20y%25");
    CHECK(url_host("127.0.0.1") == "127.0.0.1");
    CHECK(url_host("0.0.0.0") == "127.0.0.1");
    CHECK(url_host("::1") == "[::1]");
    CHECK(is_loopback("127.0.0.1"));
    CHECK_FALSE(is_loopback("0.0.0.0"));
    CHECK(parse_server_version("/usr/sbin/mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64") == "10.11");
    CHECK(parse_server_version("/usr/sbin/mysqld  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)") == "8.0");
    CHECK(parse_server_version("no version here") == "");
}

TEST_CASE("mysql option file names the space's address, port, socket and keeps doublewrite on", "[mysql]") {
    auto server = sample_server();
    std::string text = dspace::mysql::render_config(server);
    CHECK(text.find("port = 41234\n") != std::string::npos);
    CHECK(text.find("bind-address = 127.0.0.1\n") != std::string::npos);
    CHECK(text.find("socket = /h/spaces/m/run/mysqld.sock\n") != std::string::npos);
    CHECK(text.find("pid-file = /h/spaces/m/run/mysqld.pid\n") != std::string::npos);
    CHECK(text.find("tmpdir = /h/spaces/m/run\n") != std::string::npos);
    CHECK(text.find("datadir = /h/spaces/m/data\n") != std::string::npos);
    CHECK(text.find("innodb_doublewrite = ON\n") != std::string::npos);
    CHECK(text.find("skip-log-bin\n") != std::string::npos);
}

TEST_CASE("mysql client option file connects a bare client as the space's user to its database", "[mysql]") {
    auto server = sample_server();
    server.password = "a \"quoted\" \\ pass";
    std::string text = dspace::mysql::render_client_options(server, "127.0.0.1");
    CHECK(text.find("[client]\nhost = 127.0.0.1\nport = 41234\nprotocol = TCP\nuser = \"dev\"\n") != std::string::npos);
    CHECK(text.find("password = \"a \\\"quoted\\\" \\\\ pass\"\n") != std::string::npos);
    CHECK(text.find("[mysql]\ndatabase = \"app\"\n") != std::string::npos); // only the mysql client takes database
    CHECK(dspace::mysql::client_options_path(server) == "/h/spaces/m/run/my.cnf");
}

TEST_CASE("mysql plugin registers its flavour only once loaded", "[mysql][plugin]") {
    dspace::PluginHost plugins;
    CHECK(plugins.try_flavour("mysql") == nullptr);
    auto record = plugins.load_file(stdfs::path(DSPACE_TEST_PLUGIN_DIR) / "dspace_flavour_mysql.so");
    CHECK(record.name == "mysql");
    CHECK(record.kind == "flavour");
    auto *flavour = plugins.try_flavour("mysql");
    REQUIRE(flavour != nullptr);
    CHECK(flavour->name() == "mysql");
    CHECK(flavour->description().find("MariaDB") != std::string::npos);
    CHECK(flavour->default_server_user() == "mysql");
    CHECK(flavour->stop_signal(false) == SIGTERM);
    CHECK(flavour->stop_signal(true) == SIGKILL);
}

TEST_CASE("mysql flavour finds the MariaDB tools and their version", "[mysql][plugin]") {
    LoadedPlugin loaded;
    TestHost test;
    if (!mariadb_installed(*loaded.flavour, test.host)) return;
    auto probes = loaded.flavour->probe(test.host);
    std::vector<std::string> tools;
    for (const auto &probe : probes) {
        tools.push_back(probe.tool);
        CHECK(stdfs::path(probe.path).is_absolute());
        CHECK(probe.install_hint.find("mariadb-server") != std::string::npos);
    }
    CHECK(tools == std::vector<std::string>{"mariadbd", "mariadb-install-db", "mariadb", "mariadb-admin", "mariadb-dump"});
    auto versions = loaded.flavour->installed_versions(test.host);
    REQUIRE(versions.size() == 1);
    CHECK(versions.front().find('.') != std::string::npos);
}

TEST_CASE("mysql flavour's environment and client command carry encoded credentials", "[mysql][plugin]") {
    LoadedPlugin loaded;
    auto server = sample_server();
    auto env = loaded.flavour->environment(server);
    std::map<std::string, std::string> vars(env.begin(), env.end());
    CHECK(env.front().first == "DATABASE_URL");
    CHECK(vars["DATABASE_URL"] == "mysql://dev:p%40ss%3Aw%2Frd%26x@127.0.0.1:41234/app");
    CHECK(vars["MYSQL_HOST"] == "127.0.0.1");
    CHECK(vars["MYSQL_TCP_PORT"] == "41234");
    CHECK(vars["MYSQL_USER"] == "dev");
    CHECK(vars["MYSQL_PWD"] == "p@ss:w/rd&x");
    CHECK(vars["MYSQL_DATABASE"] == "app");
    CHECK(vars["MYSQL_HOME"] == "/h/spaces/m/run"); // where the client option file is
    CHECK(vars["JDBC_URL"] == "jdbc:mariadb://127.0.0.1:41234/app?user=dev&password=p%40ss%3Aw%2Frd%26x");
    CHECK(vars["SQLALCHEMY_URL"] == "mysql+pymysql://dev:p%40ss%3Aw%2Frd%26x@127.0.0.1:41234/app");

    auto client = loaded.flavour->client_command(server, {"-N", "-e", "select 1"});
    CHECK(client.argv.back() == "select 1");
    CHECK(std::find(client.argv.begin(), client.argv.end(), "--socket=/h/spaces/m/run/mysqld.sock") != client.argv.end());
    for (const auto &arg : client.argv) CHECK(arg.find(server.password) == std::string::npos);
    CHECK(client.secrets == std::vector<std::string>{server.password});
}

TEST_CASE("mysql flavour runs a real server: credentials, client, dump and restore, clean stop", "[mysql][plugin][server]") {
    LoadedPlugin loaded;
    TestHost test;
    auto &flavour = *loaded.flavour;
    if (!mariadb_installed(flavour, test.host)) return;

    RunningServer first(flavour, test.host, test.dir.path(), "first");
    REQUIRE(flavour.create_credentials(test.host, first.server()).ok());
    CHECK(client_output(test.host, flavour, first.server(), {"-N", "-e", "select 1"}) == "1\n");
    CHECK(client_output(test.host, flavour, first.server(), {"-N", "-e", "select database(), current_user()"}) == "app\tdev@localhost\n");

    { // the option file is private to the server's user
        struct stat st {};
        REQUIRE(::stat(dspace::mysql::config_path(first.server()).c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
    }
    { // root has no account reachable over TCP
        auto users = client_output(test.host, flavour, first.server(),
                                   {"-N", "-e", "select host from mysql.user where user = 'root' order by host"});
        CHECK(users == "localhost\n");
    }
    { // the space's user connects over TCP with its password
        auto tcp = client_output(test.host, flavour, first.server(),
                                 {"--protocol=TCP", "--host=127.0.0.1", "--port=" + std::to_string(first.server().port), "-N", "-e", "select 2"});
        CHECK(tcp == "2\n");
    }
    { // a dump restores into a second server
        client_output(test.host, flavour, first.server(),
                      {"-e", "create table t (id int primary key, name varchar(20)); insert into t values (1, 'it''s'), (2, 'two');"
                             "create database extra; create table extra.x (v int); insert into extra.x values (42);"});
        auto databases = flavour.list_databases(test.host, first.server());
        REQUIRE(databases.ok());
        CHECK(*databases == std::vector<std::string>{"app", "extra"});
        CHECK(flavour.check_online_snapshot(test.host, first.server()).ok());

        RunningServer second(flavour, test.host, test.dir.path(), "second");
        REQUIRE(flavour.create_credentials(test.host, second.server()).ok());
        for (const auto &database : *databases) {
            std::string file = (test.dir.path() / (database + ".sql")).string();
            auto dumped = test.host.processes().run(flavour.dump_command(first.server(), database, file));
            REQUIRE(dumped.ok());
            INFO(dumped->err);
            REQUIRE(dumped->succeeded());
            auto restored = test.host.processes().run(flavour.restore_command(second.server(), database, file));
            REQUIRE(restored.ok());
            INFO(restored->err);
            REQUIRE(restored->succeeded());
        }
        CHECK(client_output(test.host, flavour, second.server(), {"-N", "-e", "select name from t order by id"}) == "it's\ntwo\n");
        CHECK(client_output(test.host, flavour, second.server(), {"-N", "-e", "select v from extra.x"}) == "42\n");
        CHECK(second.stop());
    }
    CHECK(first.stop());
    CHECK_FALSE(flavour.is_ready(test.host, first.server()));
}
