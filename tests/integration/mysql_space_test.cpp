// The real dspace program driving MariaDB spaces: create, shell, env, exec, stop/start, pause/resume, rm.
#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace stdfs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

//! A fresh DSPACE_HOME under a 0711 temp dir (the server user must pass through it);
//! every space in it is force-removed, and the directory deleted, when the test ends.
class MysqlHome {
public:
    MysqlHome() {
        std::string pattern = (stdfs::temp_directory_path() / "dspace-mysql-space-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        root_ = pattern;
        ::chmod(root_.c_str(), 0711);
    }
    ~MysqlHome() {
        run({"rm", "--all", "--force"});
        std::error_code ignored;
        stdfs::remove_all(root_, ignored);
    }
    MysqlHome(const MysqlHome &) = delete;
    MysqlHome &operator=(const MysqlHome &) = delete;

    //! Runs the built dspace with args in this home.
    dspace::sdk::ProcessResult run(const std::vector<std::string> &args) const {
        dspace::sdk::Command command;
        command.argv = {DSPACE_TEST_BINARY};
        command.argv.insert(command.argv.end(), args.begin(), args.end());
        command.env = {{"DSPACE_HOME", (root_ / "home").string()}, {"DSPACE_PLUGIN_PATH", ""}};
        command.timeout = std::chrono::minutes(3);
        dspace::ProcessRunnerImpl runner(nullptr);
        auto result = runner.run(command);
        if (!result.ok()) FAIL(result.status().message());
        return *result;
    }
    //! Runs dspace with args, requires success and returns its stdout.
    std::string ok(const std::vector<std::string> &args) const {
        auto result = run(args);
        INFO("dspace " << args.front() << ": " << result.err);
        REQUIRE(result.succeeded());
        return result.out;
    }

private:
    stdfs::path root_;
};

//! The value of `export NAME='…'` in `dspace env` output.
std::string exported(const std::string &env, const std::string &name) {
    auto at = env.find("export " + name + "='");
    if (at == std::string::npos) return {};
    at += name.size() + 9;
    return env.substr(at, env.find('\'', at) - at);
}

bool mariadb_installed() {
    for (const char *tool : {"/usr/sbin/mariadbd", "/usr/bin/mariadb-install-db", "/usr/bin/mariadb"})
        if (!stdfs::exists(tool)) {
            WARN("skipping: " << tool << " is not installed (apt-get install mariadb-server mariadb-client)");
            return false;
        }
    return true;
}

} // namespace

TEST_CASE("a MariaDB space is created, reached, stopped, started, paused, resumed and removed", "[integration][mysql]") {
    if (!mariadb_installed()) return;
    MysqlHome home;

    auto created = home.ok({"create", "m", "--flavour", "mysql", "--user", "dev", "--initial-database", "app"});
    CHECK_THAT(created, Contains("mysql://dev:***@127.0.0.1:"));
    CHECK(home.ok({"shell", "m", "--", "-N", "-e", "select 1"}) == "1\n");
    CHECK(home.ok({"shell", "m", "--", "-N", "-e", "select database(), current_user()"}) == "app\tdev@localhost\n");

    auto env = home.ok({"env", "m"});
    std::string port = exported(env, "MYSQL_TCP_PORT");
    std::string password = exported(env, "MYSQL_PWD");
    CHECK(exported(env, "MYSQL_HOST") == "127.0.0.1");
    CHECK(exported(env, "MYSQL_USER") == "dev");
    CHECK(exported(env, "MYSQL_DATABASE") == "app");
    CHECK(exported(env, "DATABASE_URL") == "mysql://dev:" + password + "@127.0.0.1:" + port + "/app");
    CHECK_THAT(exported(env, "JDBC_URL"), Contains("jdbc:mariadb://127.0.0.1:" + port + "/app?user=dev&password="));
    CHECK_THAT(exported(env, "SQLALCHEMY_URL"), Contains("mysql+pymysql://dev:"));

    // exec hands the variables to any program: the client reaches the server over TCP with them.
    CHECK(home.ok({"exec", "m", "--", "mariadb", "--no-defaults", "--protocol=TCP", "--user=dev", "-N", "-e", "select 3"}) == "3\n");

    home.ok({"shell", "m", "--", "-e", "create table t (id int primary key); insert into t values (42)"});
    home.ok({"stop", "m"});
    CHECK_THAT(home.ok({"list"}), Contains("stopped"));
    CHECK_FALSE(home.run({"shell", "m", "--", "-N", "-e", "select 1"}).succeeded());
    home.ok({"start", "m"});
    CHECK(home.ok({"shell", "m", "--", "-N", "-e", "select id from t"}) == "42\n");

    home.ok({"pause", "m"});
    CHECK_THAT(home.ok({"list"}), Contains("paused"));
    home.ok({"resume", "m"});
    CHECK_THAT(home.ok({"list"}), Contains("running"));
    CHECK(home.ok({"shell", "m", "--", "-N", "-e", "select 2"}) == "2\n");

    home.ok({"rm", "m"});
    CHECK_THAT(home.ok({"list"}), !Contains("mysql"));
}

TEST_CASE("three MariaDB spaces run side by side, each with its own port and data", "[integration][mysql]") {
    if (!mariadb_installed()) return;
    MysqlHome home;
    const std::vector<std::string> names = {"ma", "mb", "mc"};
    std::set<std::string> ports;
    for (const auto &name : names) {
        home.ok({"create", name, "--flavour", "mysql"});
        ports.insert(exported(home.ok({"env", name}), "MYSQL_TCP_PORT"));
        home.ok({"shell", name, "--", "-e", "create table owner (name varchar(10)); insert into owner values ('" + name + "')"});
    }
    CHECK(ports.size() == names.size());
    for (const auto &name : names)
        CHECK(home.ok({"shell", name, "--", "-N", "-e", "select database(), name from owner"}) == name + "\t" + name + "\n");
    home.ok({"rm", "--all"});
    CHECK_THAT(home.ok({"list"}), !Contains("mysql"));
}
