// dspace.json: parsing, validation errors, the walk up to find it, what init writes.
#include <dspace/core/error.hpp>
#include <dspace/core/project.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <unistd.h>

using namespace dspace;

namespace {

//! The message of the Error that parsing text throws.
std::string parse_error(const std::string &text) {
    try {
        (void)parse_project(text, "/p/dspace.json");
    } catch (const Error &e) {
        return std::string(e.what()) + " | " + e.hint();
    }
    FAIL("no error for: " << text);
    return {};
}

} // namespace

TEST_CASE("dspace.json: the full shape is read, relative paths start at the project", "[project]") {
    Project p = parse_project(R"J({"space": "shop", "flavour": "mysql", "version": "10.11", "port": 15432,
        "initial_database": "app", "migrations": {"tool": "flyway", "folder": "db/migrations"},
        "seed": [["psql", "-c", "insert into t values (1)"], ["./seed.sh"]], "backups": "data/backups",
        "import": "prod.dump"})J",
                              "/work/shop/dspace.json");
    CHECK(p.space == "shop");
    CHECK(p.flavour == "mysql");
    CHECK(p.version == "10.11");
    CHECK(p.port == 15432);
    CHECK(p.initial_database == "app");
    REQUIRE(p.migrations);
    CHECK(p.migrations->tool == "flyway");
    CHECK(p.migrations_dir() == "/work/shop/db/migrations");
    REQUIRE(p.seed.size() == 2);
    CHECK(p.seed[0] == std::vector<std::string>{"psql", "-c", "insert into t values (1)"});
    CHECK(p.backups_dir() == "/work/shop/data/backups");
    CHECK(p.import_source == "prod.dump");
}

TEST_CASE("dspace.json: defaults for what is left out", "[project]") {
    Project p = parse_project(R"J({"space": "shop"})J", "/w/dspace.json");
    CHECK(p.flavour == "postgres");
    CHECK(p.port == 0);
    CHECK_FALSE(p.migrations);
    CHECK(p.seed.empty());
    CHECK(p.backups_dir() == "/w/.dspace/backups");
    CHECK(p.migrations_dir().empty());
}

TEST_CASE("dspace.json: unknown keys get a did-you-mean, wrong types name the expected type", "[project]") {
    CHECK_THAT(parse_error(R"J({"space": "shop", "flavor": "postgres"})J"),
               Catch::Contains("unknown key 'flavor'") && Catch::Contains("did you mean 'flavour'"));
    CHECK_THAT(parse_error(R"J({"space": "shop", "migrations": {"tool": "flyway", "folders": "x"}})J"),
               Catch::Contains("unknown key 'folders' in 'migrations'") && Catch::Contains("'folder'"));
    CHECK_THAT(parse_error(R"J({"space": 3})J"), Catch::Contains("'space' must be a string"));
    CHECK_THAT(parse_error(R"J({"space": "shop", "port": "5432"})J"), Catch::Contains("'port' must be a number"));
    CHECK_THAT(parse_error(R"J({"space": "shop", "seed": ["psql -c x"]})J"), Catch::Contains("'seed[0]' must be an array of strings"));
    CHECK_THAT(parse_error(R"J({"space": "shop", "seed": [["psql", 1]]})J"), Catch::Contains("'seed[0]' element 1 must be a string"));
    CHECK_THAT(parse_error(R"J({"space": "shop", "seed": [[]]})J"), Catch::Contains("'seed[0]' is empty"));
    CHECK_THAT(parse_error(R"J({"space": "shop", "migrations": {"tool": "flyway"}})J"), Catch::Contains("'migrations.folder' is missing"));
    CHECK_THAT(parse_error(R"J({"flavour": "postgres"})J"), Catch::Contains("'space' is missing"));
    CHECK_THAT(parse_error(R"J({"space": "../x"})J"), Catch::Contains("not a valid space name"));
    CHECK_THAT(parse_error(R"J(["shop"])J"), Catch::Contains("must hold a JSON object"));
}

TEST_CASE("dspace.json: a file that does not parse is named with line and column", "[project]") {
    std::string message = parse_error("{\n  \"space\": \"shop\",\n  \"flavour\" \"postgres\"\n}\n");
    CHECK_THAT(message, Catch::StartsWith("/p/dspace.json:3:13: not valid JSON"));
    CHECK(line_and_column("ab\ncd", 0) == std::pair<std::size_t, std::size_t>{1, 1});
    CHECK(line_and_column("ab\ncd", 4) == std::pair<std::size_t, std::size_t>{2, 2});
}

TEST_CASE("dspace.json is found in the nearest parent, like .git", "[project]") {
    char tmpl[] = "/tmp/dspace-project-XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    std::filesystem::path root(tmpl);
    std::filesystem::create_directories(root / "a/b/c");
    CHECK_FALSE(find_project_file(root / "a/b/c"));
    std::ofstream(root / "a/dspace.json") << R"J({"space": "outer"})J";
    auto found = find_project(root / "a/b/c");
    REQUIRE(found);
    CHECK(found->space == "outer");
    CHECK(found->root == root / "a");
    std::ofstream(root / "a/b/dspace.json") << R"J({"space": "inner"})J";
    CHECK(find_project(root / "a/b/c")->space == "inner");
    std::filesystem::remove_all(root);
}

TEST_CASE("what init writes reads back the same; space names from directory names", "[project]") {
    Project p;
    p.space = "shop";
    p.migrations = ProjectMigrations{"flyway", "db"};
    p.seed = {{"psql", "-c", "select 1"}};
    Project back = parse_project(project_to_json(p), "/x/dspace.json");
    CHECK(back.space == "shop");
    CHECK(back.initial_database == "shop");
    CHECK(back.migrations->folder == "db");
    CHECK(back.seed == p.seed);
    CHECK(space_name_from_directory("My Shop.v2") == "my-shop-v2");
    CHECK(space_name_from_directory("...") == "project");
}
