// The real dspace program driving MariaDB spaces: create, shell, env, exec, stop/start, pause/resume, rm.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using dspace_test::mariadb_installed;
using dspace_test::TestHome;

namespace {

//! SQL through the space's mariadb client; what it printed.
std::string mysql_query(const TestHome &home, const std::string &space, const std::string &sql) {
    return dspace_test::query(home, dspace_test::mysql_sql(), space, sql);
}

//! The value of `export NAME='…'` in `dspace env` output.
std::string exported(const std::string &env, const std::string &name) {
    auto at = env.find("export " + name + "='");
    if (at == std::string::npos) return {};
    at += name.size() + 9;
    return env.substr(at, env.find('\'', at) - at);
}

} // namespace

TEST_CASE("a MariaDB space is created, reached, stopped, started, paused, resumed and removed", "[integration][mysql]") {
    if (!mariadb_installed()) return;
    TestHome home;

    auto created = home.ok({"create", "m", "--flavour", "mysql", "--user", "dev", "--initial-database", "app"});
    CHECK_THAT(created, Contains("mysql://dev@127.0.0.1:"));
    CHECK(mysql_query(home, "m", "select 1") == "1\n");
    CHECK(mysql_query(home, "m", "select database(), current_user()") == "app\tdev@localhost\n");

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

    mysql_query(home, "m", "create table t (id int primary key); insert into t values (42)");
    home.ok({"stop", "m"});
    CHECK_THAT(home.ok({"list"}), Contains("stopped"));
    CHECK_FALSE(home.run({"shell", "m", "--", "-N", "-e", "select 1"}).succeeded());
    home.ok({"start", "m"});
    CHECK(mysql_query(home, "m", "select id from t") == "42\n");

    home.ok({"pause", "m"});
    CHECK_THAT(home.ok({"list"}), Contains("paused"));
    home.ok({"resume", "m"});
    CHECK_THAT(home.ok({"list"}), Contains("running"));
    CHECK(mysql_query(home, "m", "select 2") == "2\n");

    home.ok({"rm", "m"});
    CHECK_THAT(home.ok({"list"}), !Contains("mysql"));
}

TEST_CASE("three MariaDB spaces run side by side, each with its own port and data", "[integration][mysql]") {
    if (!mariadb_installed()) return;
    TestHome home;
    const std::vector<std::string> names = {"ma", "mb", "mc"};
    std::set<std::string> ports;
    for (const auto &name : names) {
        home.ok({"create", name, "--flavour", "mysql"});
        ports.insert(exported(home.ok({"env", name}), "MYSQL_TCP_PORT"));
        mysql_query(home, name, "create table owner (name varchar(10)); insert into owner values ('" + name + "')");
    }
    CHECK(ports.size() == names.size());
    for (const auto &name : names)
        CHECK(mysql_query(home, name, "select database(), name from owner") == name + "\t" + name + "\n");
    home.ok({"rm", "--all"});
    CHECK_THAT(home.ok({"list"}), !Contains("mysql"));
}
