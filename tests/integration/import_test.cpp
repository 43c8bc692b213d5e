// `dspace import` against real servers: every dump format of both flavours, live source URLs, table subsets
// with their foreign-key closure (two levels and a cycle), --where/--limit keeping parents, and bad input.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using dspace_test::TestHome;

namespace {

std::string read_file(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_file(const std::filesystem::path &path, const std::string &content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
    REQUIRE(out.good());
}

//! Requires that the import failed with a message containing expected, and that the space was not created.
void check_refused(const TestHome &home, const std::vector<std::string> &args, const std::string &expected) {
    auto r = home.run(args);
    INFO("dspace " << args[0] << " " << args[1] << " " << args[2] << ": " << r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains(expected));
    CHECK_THAT(home.ok({"list"}), !Contains(args[1] + " "));
}

std::string pg(const TestHome &home, const std::string &space, const std::string &sql) { return dspace_test::query(home, space, sql); }

std::string my(const TestHome &home, const std::string &space, const std::string &sql) {
    std::string out = dspace_test::query(home, dspace_test::mysql_sql(), space, sql);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

// A shop with a two-level foreign-key chain (orders -> customers -> regions), a table nothing references
// (notes), a cycle (authors.best_book -> books, books.author_id -> authors), a type, a function and sequences.
const char *pg_schema = R"sql(
CREATE SEQUENCE code_seq;
CREATE FUNCTION next_code() RETURNS text LANGUAGE sql AS $$ SELECT 'C' || nextval('code_seq')::text $$;
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE regions (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE customers (id serial PRIMARY KEY, region_id int NOT NULL REFERENCES regions, code text DEFAULT next_code(), feeling mood);
CREATE TABLE orders (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, total int);
CREATE TABLE notes (id serial PRIMARY KEY, body text);
CREATE TABLE authors (id int PRIMARY KEY, best_book int);
CREATE TABLE books (id int PRIMARY KEY, author_id int REFERENCES authors);
ALTER TABLE authors ADD FOREIGN KEY (best_book) REFERENCES books DEFERRABLE INITIALLY DEFERRED;
INSERT INTO regions (name) VALUES ('north'), ('south'), ('east');
INSERT INTO customers (region_id, feeling) VALUES (1, 'happy'), (2, 'sad'), (1, 'sad');
INSERT INTO orders (customer_id, total) SELECT 1 + (g % 3), g FROM generate_series(1, 30) g;
INSERT INTO notes (body) VALUES ('unrelated');
INSERT INTO authors VALUES (1, NULL), (2, NULL), (3, NULL);
INSERT INTO books VALUES (10, 1), (11, 2), (12, 3);
UPDATE authors SET best_book = 11 WHERE id = 1;
)sql";

const char *mysql_schema = R"sql(
CREATE TABLE regions (id int AUTO_INCREMENT PRIMARY KEY, name varchar(20) NOT NULL);
CREATE TABLE customers (id int AUTO_INCREMENT PRIMARY KEY, region_id int NOT NULL, FOREIGN KEY (region_id) REFERENCES regions (id));
CREATE TABLE orders (id int AUTO_INCREMENT PRIMARY KEY, customer_id int NOT NULL, total int, FOREIGN KEY (customer_id) REFERENCES customers (id));
CREATE TABLE notes (id int PRIMARY KEY, body text);
CREATE TABLE authors (id int PRIMARY KEY, best_book int);
CREATE TABLE books (id int PRIMARY KEY, author_id int, FOREIGN KEY (author_id) REFERENCES authors (id));
ALTER TABLE authors ADD FOREIGN KEY (best_book) REFERENCES books (id);
INSERT INTO regions (name) VALUES ('north'), ('south'), ('east');
INSERT INTO customers (region_id) VALUES (1), (2), (1);
INSERT INTO orders (customer_id, total) SELECT 1 + (seq % 3), seq FROM seq_1_to_30;
INSERT INTO notes VALUES (1, 'unrelated');
INSERT INTO authors VALUES (1, NULL), (2, NULL), (3, NULL);
INSERT INTO books VALUES (10, 1), (11, 2), (12, 3);
UPDATE authors SET best_book = 11 WHERE id = 1;
)sql";

//! The postgres space "prod" filled with the shop; returns the directory for dumps.
std::filesystem::path pg_prod(const TestHome &home) {
    home.ok({"create", "prod", "--flavour", "postgres"});
    home.ok({"shell", "prod", "--", "-q", "-v", "ON_ERROR_STOP=1", "-c", pg_schema});
    auto dumps = home.path() / "dumps";
    std::filesystem::create_directory(dumps);
    return dumps;
}

//! The MariaDB space "mprod" filled with the shop; returns its dump (plain SQL) made by mariadb-dump.
std::filesystem::path mysql_prod(const TestHome &home) {
    home.ok({"create", "mprod", "--flavour", "mysql"});
    home.ok({"shell", "mprod", "--", "-e", mysql_schema});
    auto dumps = home.path() / "dumps";
    std::filesystem::create_directory(dumps);
    auto plain = dumps / "shop.sql";
    home.ok({"exec", "mprod", "--", "mariadb-dump", "--no-defaults", "--protocol=TCP", "--host=127.0.0.1",
             "--port=" + dspace_test::env_value(home, "mprod", "MYSQL_TCP_PORT"), "--user=dspace", "--single-transaction", "--routines",
             "--result-file=" + plain.string(), "mprod"});
    return plain;
}

//! Checks that space holds the whole postgres shop and its `imported` snapshot.
void check_pg_shop(const TestHome &home, const std::string &space) {
    CHECK(pg(home, space, "SELECT count(*), sum(total) FROM orders") == "30|465");
    CHECK(pg(home, space, "SELECT string_agg(feeling::text, ',' ORDER BY id) FROM customers") == "happy,sad,sad");
    CHECK(pg(home, space, "SELECT count(*) FROM books JOIN authors ON authors.id = books.author_id") == "3");
    CHECK(pg(home, space, "WITH added AS (INSERT INTO customers (region_id) VALUES (3) RETURNING code) SELECT code LIKE 'C%' FROM added") == "t");
    CHECK_THAT(home.ok({"snapshot", "ls", space}), Contains("imported"));
}

} // namespace

TEST_CASE("import restores every pg_dump format, told from the content", "[integration][import][postgres]") {
    TestHome home;
    auto dumps = pg_prod(home);
    auto path = [&](const char *name) { return (dumps / name).string(); };
    home.ok({"exec", "prod", "--", "pg_dump", "--format=plain", "--file", path("plain.sql")});
    home.ok({"exec", "prod", "--", "pg_dump", "--format=custom", "--file", path("custom.bin")});
    home.ok({"exec", "prod", "--", "pg_dump", "--format=directory", "--file", path("directory")});
    home.ok({"exec", "prod", "--", "pg_dump", "--format=tar", "--file", path("archive.tar")});
    home.ok({"exec", "prod", "--", "gzip", "--keep", path("plain.sql")});

    struct Case { const char *space, *file, *format; };
    for (auto c : {Case{"fplain", "plain.sql", "plain SQL"}, Case{"fcustom", "custom.bin", "custom-format"},
                   Case{"fdir", "directory", "directory-format"}, Case{"ftar", "archive.tar", "tar-format"},
                   Case{"fgzip", "plain.sql.gz", "plain SQL"}}) {
        INFO(c.file);
        CHECK_THAT(home.ok({"import", c.space, path(c.file)}), Contains(c.format));
        check_pg_shop(home, c.space);
    }
    // --schema-only keeps types, functions and tables, and no rows (plain SQL: restored, then emptied).
    home.ok({"import", "schema", path("plain.sql.gz"), "--schema-only"});
    CHECK(pg(home, "schema", "SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM authors)") == "0");
    CHECK(pg(home, "schema", "SELECT 'sad'::mood") == "sad");
}

TEST_CASE("import copies a live postgres server and subsets it by foreign keys", "[integration][import][postgres]") {
    TestHome home;
    auto dumps = pg_prod(home);
    std::string url = dspace_test::env_value(home, "prod", "DATABASE_URL");
    // Two levels: orders need customers, which need regions; notes and the book cycle stay out.
    auto out = home.ok({"import", "sub", url, "--tables", "orders", "--where", "orders:total = 3"});
    CHECK_THAT(out, Contains("public.customers, public.orders, public.regions"));
    CHECK(pg(home, "sub", "SELECT string_agg(id::text, ',') FROM orders") == "3");
    CHECK(pg(home, "sub", "SELECT string_agg(id::text, ',') FROM customers") == "1");
    CHECK(pg(home, "sub", "SELECT string_agg(id::text, ',') FROM regions") == "1");
    CHECK(pg(home, "sub", "SELECT to_regclass('notes') IS NULL AND to_regclass('books') IS NULL") == "t");
    // What the tables need comes along: the type, the function of a default, the sequences.
    CHECK(pg(home, "sub", "WITH added AS (INSERT INTO customers (region_id, feeling) VALUES (1, 'happy') RETURNING code) "
                         "SELECT code LIKE 'C%' FROM added") == "t");
    CHECK(pg(home, "sub", "WITH added AS (INSERT INTO orders (customer_id, total) VALUES (1, 5) RETURNING id) SELECT id FROM added") == "31");

    // The cycle, from a dump file: book 10 -> author 1 -> best book 11 -> author 2, and nothing more.
    home.ok({"exec", "prod", "--", "pg_dump", "--format=custom", "--file", (dumps / "shop.dump").string()});
    home.ok({"import", "cycle", (dumps / "shop.dump").string(), "--tables", "books", "--where", "books:id = 10"});
    CHECK(pg(home, "cycle", "SELECT string_agg(id::text, ',' ORDER BY id) FROM books") == "10,11");
    CHECK(pg(home, "cycle", "SELECT string_agg(id::text, ',' ORDER BY id) FROM authors") == "1,2");
    CHECK(pg(home, "cycle", "SELECT to_regclass('orders') IS NULL") == "t");

    // --limit without --tables (the whole server streamed through pg_dump | pg_restore): every table, at most
    // one order, and the customers it references.
    home.ok({"import", "limited", url, "--limit", "orders:1"});
    CHECK(pg(home, "limited", "SELECT string_agg(feeling::text, ',' ORDER BY id) FROM customers") == "happy,sad,sad");
    CHECK(pg(home, "limited", "SELECT count(*) FROM orders") == "1");
    CHECK(pg(home, "limited", "SELECT count(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL") == "0");
    CHECK(pg(home, "limited", "SELECT count(*) FROM customers") == "3"); // a table without a limit keeps its rows
    CHECK(pg(home, "limited", "SELECT count(*) FROM notes") == "1");

    // --into fills an existing space, keeping what it has.
    home.ok({"create", "app", "--flavour", "postgres"});
    pg(home, "app", "CREATE TABLE mine (id int); INSERT INTO mine VALUES (7)");
    home.ok({"import", "app", url, "--tables", "notes", "--into"});
    CHECK(pg(home, "app", "SELECT (SELECT count(*) FROM notes) || '/' || (SELECT id FROM mine)") == "1/7");
    CHECK(pg(home, "app", "SELECT to_regclass('orders') IS NULL") == "t");
    CHECK_THAT(home.ok({"snapshot", "ls", "app"}), Contains("before-import") && Contains("imported"));
}

TEST_CASE("import refuses bad postgres input and leaves no space behind", "[integration][import][postgres]") {
    TestHome home;
    auto dumps = pg_prod(home);
    auto custom = dumps / "shop.dump", plain = dumps / "shop.sql";
    home.ok({"exec", "prod", "--", "pg_dump", "--format=custom", "--file", custom.string()});
    home.ok({"exec", "prod", "--", "pg_dump", "--format=plain", "--file", plain.string()});
    std::string archive = read_file(custom), script = read_file(plain);

    write_file(dumps / "half.dump", archive.substr(0, archive.size() / 2));
    check_refused(home, {"import", "t1", (dumps / "half.dump").string()}, "failed");
    // Cut after a line inside the rows of orders: psql takes the end of input as the end of the rows.
    write_file(dumps / "cut.sql", script.substr(0, script.find('\n', script.find("COPY public.orders") + 120) + 1));
    check_refused(home, {"import", "t2", (dumps / "cut.sql").string()}, "is truncated");
    home.ok({"exec", "prod", "--", "gzip", "--keep", plain.string()});
    std::string gzipped = read_file(plain.string() + ".gz");
    write_file(dumps / "half.sql.gz", gzipped.substr(0, gzipped.size() / 2));
    check_refused(home, {"import", "t2gz", (dumps / "half.sql.gz").string()}, "cannot read");
    std::string newer = archive;
    newer[6] = 99; // archive format 1.99: written by a pg_dump newer than any installed
    write_file(dumps / "newer.dump", newer);
    check_refused(home, {"import", "t3", (dumps / "newer.dump").string()}, "newer server");
    write_file(dumps / "other.sql", "-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB\n\nCREATE TABLE t (id int);\n-- Dump completed\n");
    check_refused(home, {"import", "t4", (dumps / "other.sql").string(), "--flavour", "postgres"}, "not 'postgres'");
    write_file(dumps / "words.txt", "just some notes\n");
    check_refused(home, {"import", "t5", (dumps / "words.txt").string()}, "not a dump dspace can read");
    check_refused(home, {"import", "t6", custom.string(), "--tables", "orders,invoices"}, "'invoices' given to --tables is not in the source");

    // Unreachable server and wrong password: named, and the password given never echoed.
    auto r = home.run({"import", "t7", "postgresql://dspace:Secret-Unreachable@127.0.0.1:1/shop"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains("cannot reach the source postgresql://dspace@127.0.0.1:1/shop"));
    CHECK_THAT(r.err + r.out, !Contains("Secret-Unreachable"));
    std::string port = dspace_test::env_value(home, "prod", "PGPORT");
    r = home.run({"import", "t8", "postgresql://dspace:Wrong-Secret@127.0.0.1:" + port + "/prod"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains("refused the credentials"));
    CHECK_THAT(r.err + r.out, !Contains("Wrong-Secret"));
    CHECK_THAT(home.ok({"list"}), !Contains("t7") && !Contains("t8"));

    // A MariaDB dump into a postgres space; then a failing import --into is rolled back.
    home.ok({"import", "app", custom.string()});
    r = home.run({"import", "app", (dumps / "other.sql").string(), "--into"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains("is a postgres space"));
    pg(home, "app", "INSERT INTO notes (body) VALUES ('mine')");
    r = home.run({"import", "app", custom.string(), "--into"}); // its tables exist already
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains("already exists") && Contains("rolled back"));
    CHECK(pg(home, "app", "SELECT count(*) FROM notes") == "2");
}

TEST_CASE("import restores mariadb-dump files and live MariaDB servers, subsets by foreign keys", "[integration][import][mysql]") {
    if (!dspace_test::mariadb_installed()) return;
    TestHome home;
    auto plain = mysql_prod(home);
    home.ok({"exec", "mprod", "--", "gzip", "--keep", plain.string()});

    CHECK_THAT(home.ok({"import", "mplain", plain.string()}), Contains("mariadb-dump"));
    CHECK_THAT(home.ok({"import", "mgzip", plain.string() + ".gz"}), Contains("mariadb-dump"));
    for (const char *space : {"mplain", "mgzip"}) {
        CHECK(my(home, space, "SELECT count(*), sum(total) FROM orders") == "30\t465");
        CHECK(my(home, space, "SELECT DATABASE()") == space); // the rows land in the space's database
        CHECK_THAT(home.ok({"snapshot", "ls", space}), Contains("imported"));
    }
    home.ok({"import", "mschema", plain.string(), "--schema-only"});
    CHECK(my(home, "mschema", "SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM authors)") == "0");

    std::string url = dspace_test::env_value(home, "mprod", "DATABASE_URL");
    home.ok({"import", "mlive", url, "--tables", "orders", "--where", "orders:total = 3"});
    CHECK(my(home, "mlive", "SELECT GROUP_CONCAT(id) FROM orders") == "3");
    CHECK(my(home, "mlive", "SELECT GROUP_CONCAT(id) FROM customers") == "1");
    CHECK(my(home, "mlive", "SELECT GROUP_CONCAT(id) FROM regions") == "1");
    CHECK(my(home, "mlive", "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'mlive'") == "3");
    CHECK(my(home, "mlive", "INSERT INTO orders (customer_id, total) VALUES (1, 5); SELECT LAST_INSERT_ID() > 30") == "1");

    home.ok({"import", "mcycle", plain.string(), "--tables", "books", "--limit", "books:1", "--where", "books:id = 10"});
    CHECK(my(home, "mcycle", "SELECT GROUP_CONCAT(id ORDER BY id) FROM books") == "10,11");
    CHECK(my(home, "mcycle", "SELECT GROUP_CONCAT(id ORDER BY id) FROM authors") == "1,2");

    // Bad input: truncated, of the other flavour, a missing table, wrong credentials.
    std::string script = read_file(plain);
    write_file(plain.parent_path() / "cut.sql", script.substr(0, script.find("INSERT INTO `orders`") + 60));
    check_refused(home, {"import", "mt1", (plain.parent_path() / "cut.sql").string()}, "failed");
    write_file(plain.parent_path() / "whole.sql", script.substr(0, script.find("-- Dump completed")));
    check_refused(home, {"import", "mt2", (plain.parent_path() / "whole.sql").string()}, "is truncated");
    check_refused(home, {"import", "mt3", plain.string(), "--flavour", "postgres"}, "not 'postgres'");
    check_refused(home, {"import", "mt4", url, "--tables", "nope"}, "'nope' given to --tables is not in the source");
    std::string bad = "mysql://dspace:Wrong-Secret@127.0.0.1:" + dspace_test::env_value(home, "mprod", "MYSQL_TCP_PORT") + "/mprod";
    auto r = home.run({"import", "mt5", bad});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains("refused the credentials"));
    CHECK_THAT(r.err + r.out, !Contains("Wrong-Secret"));
}
