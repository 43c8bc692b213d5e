// After `eval "$(dspace env NAME)"`, every variable works with the stock client or driver it is meant for:
// psql and mariadb with no arguments, psycopg2, PyMySQL, SQLAlchemy, and JDBC_URL through Liquibase.
#include "support.hpp"

#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <iostream>

using dspace_test::TestHome;

namespace {

//! Debian's Python, where python3-psycopg2, python3-pymysql and python3-sqlalchemy are installed.
const char *const python = "/usr/bin/python3";

//! One client run in a shell that did `eval "$(dspace env SPACE)"`: what it printed, and its exit code.
dspace_test::RunResult with_space_env(const std::string &space, const std::string &shell_command) {
    dspace::ProcessRunnerImpl runner(nullptr);
    dspace::sdk::Command command;
    command.argv = {"/bin/bash", "-c", std::string("eval \"$(") + DSPACE_TEST_BINARY + " env " + space + ")\" && " + shell_command};
    command.timeout = std::chrono::seconds(120);
    command.cwd = "/";
    auto ran = runner.run(command);
    REQUIRE(ran.ok());
    return {ran->exit_code, ran->out, ran->err};
}

//! True when program can be run; otherwise prints why the checks that need it are skipped.
bool have(const std::string &program, const std::string &why) {
    dspace::ProcessRunnerImpl runner(nullptr);
    if (!runner.find_program(program, {}).empty()) return true;
    std::cerr << "SKIP " << why << ": " << program << " is not installed\n";
    return false;
}

//! True when Debian's python3 imports module; otherwise prints why the checks that need it are skipped.
bool have_python_module(const std::string &module) {
    dspace::ProcessRunnerImpl runner(nullptr);
    dspace::sdk::Command command;
    command.argv = {python, "-c", "import " + module};
    auto ran = runner.run(command);
    if (ran && ran->succeeded()) return true;
    std::cerr << "SKIP " << module << " checks: " << python << " cannot import " << module << "\n";
    return false;
}

//! Requires that the client printed expected (user and database, one line) and succeeded.
void check_connects(const std::string &what, const dspace_test::RunResult &ran, const std::string &expected) {
    INFO(what << " printed: " << ran.out << ran.err);
    CHECK(ran.exit_code == 0);
    CHECK(ran.out.find(expected) != std::string::npos);
}

//! Runs a Python program (written to a file in the home, so no quoting is involved) that connects with
//! connect, runs query and prints the first row's fields.
std::string python_query(const TestHome &home, const std::string &name, const std::string &imports, const std::string &connect,
                         const std::string &query) {
    auto file = home.path() / (name + ".py");
    std::ofstream(file) << "import os\nimport " << imports << "\nc = " << connect << "\ncur = c.cursor()\ncur.execute(\"\"\"" << query
                        << "\"\"\")\nprint(*cur.fetchone())\n";
    return std::string(python) + " " + file.string();
}

//! Runs a Python program that runs query through SQLAlchemy on SQLALCHEMY_URL.
std::string sqlalchemy_query(const TestHome &home, const std::string &query) {
    auto file = home.path() / "sqlalchemy_query.py";
    std::ofstream(file) << "import os, sqlalchemy as sa\nwith sa.create_engine(os.environ[\"SQLALCHEMY_URL\"]).connect() as c:\n"
                        << "    print(*c.execute(sa.text(\"\"\"" << query << "\"\"\")).fetchone())\n";
    return std::string(python) + " " + file.string();
}

//! Liquibase on JDBC_URL alone (its password stays off the command line), running query.
std::string liquibase_query(const std::string &query) {
    return "LIQUIBASE_COMMAND_URL=\"$JDBC_URL\" liquibase --show-banner=false --log-level=severe execute-sql --sql=\"" + query + "\"";
}

const char *const password = "s3cret pass'wo\"rd";

} // namespace

TEST_CASE("every variable of dspace env works with its client for postgres", "[everyday][env][postgres]") {
    if (!dspace_test::have_program("/usr/lib/postgresql/15/bin/postgres")) return;
    TestHome home;
    home.ok({"create", "app", "--flavour", "postgres", "--user", "alice", "--initial-database", "shop", "--password", password});
    const std::string query = "select current_user, current_database()";
    if (have("psql", "bare psql")) check_connects("bare psql", with_space_env("app", "psql -At -F ' ' -c '" + query + "'"), "alice shop");
    if (have_python_module("psycopg2")) {
        check_connects("psycopg2 on DATABASE_URL",
                       with_space_env("app", python_query(home, "url", "psycopg2", "psycopg2.connect(os.environ['DATABASE_URL'])", query)),
                       "alice shop");
        check_connects("psycopg2 on the PG variables",
                       with_space_env("app", python_query(home, "libpq", "psycopg2", "psycopg2.connect('')", query)), "alice shop");
    }
    if (have_python_module("sqlalchemy")) check_connects("SQLAlchemy", with_space_env("app", sqlalchemy_query(home, query)), "alice shop");
    if (have("liquibase", "JDBC_URL through Liquibase"))
        check_connects("Liquibase", with_space_env("app", liquibase_query("select current_user || ' ' || current_database()")),
                       "alice shop");
}

TEST_CASE("every variable of dspace env works with its client for MariaDB", "[everyday][env][mysql]") {
    if (!dspace_test::mariadb_installed()) return;
    TestHome home;
    home.ok({"create", "app", "--flavour", "mysql", "--user", "alice", "--initial-database", "shop", "--password", password});
    const std::string query = "select substring_index(current_user(), '@', 1), database()";
    if (have("mariadb", "bare mariadb")) check_connects("bare mariadb", with_space_env("app", "mariadb -N -e \"" + query + "\""), "alice\tshop");
    if (have_python_module("pymysql")) {
        check_connects("PyMySQL on the MYSQL variables",
                       with_space_env("app", python_query(home, "vars", "pymysql",
                                                          "pymysql.connect(host=os.environ['MYSQL_HOST'], port=int(os.environ['MYSQL_TCP_PORT']), "
                                                          "user=os.environ['MYSQL_USER'], password=os.environ['MYSQL_PWD'], "
                                                          "database=os.environ['MYSQL_DATABASE'])",
                                                          query)),
                       "alice shop");
        check_connects("PyMySQL on DATABASE_URL",
                       with_space_env("app", python_query(home, "url", "pymysql, urllib.parse as up",
                                                          "(lambda u: pymysql.connect(host=u.hostname, port=u.port, "
                                                          "user=up.unquote(u.username), password=up.unquote(u.password), "
                                                          "database=up.unquote(u.path[1:])))(up.urlsplit(os.environ['DATABASE_URL']))",
                                                          query)),
                       "alice shop");
    }
    if (have_python_module("sqlalchemy") && have_python_module("pymysql"))
        check_connects("SQLAlchemy", with_space_env("app", sqlalchemy_query(home, query)), "alice shop");
    // MariaDB Connector/J does not percent-decode URL parameters, so JDBC_URL carries only passwords of URL-safe
    // characters, such as the random ones dspace makes.
    home.ok({"create", "jdbc", "--flavour", "mysql", "--user", "bob", "--initial-database", "depot"});
    if (have("liquibase", "JDBC_URL through Liquibase"))
        check_connects("Liquibase", with_space_env("jdbc", liquibase_query("select concat(substring_index(current_user(), '@', 1), ' ', database())")),
                       "bob depot");
}

TEST_CASE("dspace run in a shell holding another space's variables acts on its own spaces", "[everyday][env]") {
    struct Case {
        const char *flavour, *query_flags, *query;
    };
    std::vector<Case> cases{{"postgres", "-At -c", "select current_database()"}};
    if (dspace_test::mariadb_installed()) cases.push_back({"mysql", "-N -e", "select database()"});
    for (const auto &c : cases) {
        INFO(c.flavour);
        TestHome home;
        home.ok({"create", "app", "--flavour", c.flavour});
        std::string dspace = DSPACE_TEST_BINARY;
        auto ran = with_space_env("app", dspace + " create other --flavour " + c.flavour + " --initial-database depot && " + dspace +
                                             " stop other && " + dspace + " start other && " + dspace + " shell other -- " +
                                             c.query_flags + " '" + c.query + "'");
        INFO(ran.out << ran.err);
        CHECK(ran.exit_code == 0);
        CHECK(ran.out.find("depot") != std::string::npos);
        CHECK(ran.err.find("warning") == std::string::npos); // the stop was the flavour's own, not a signal
    }
}
