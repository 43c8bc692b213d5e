// `dspace remote add|rm|ls` through the real program: config.json holds names and URLs, never credentials.
#include "support.hpp"

#include <dspace/core/fs.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>

using Catch::Matchers::Contains;

TEST_CASE("remote add, ls, rm: URLs checked, the default marked, credentials never stored", "[remote]") {
    dspace_test::TestHome home;
    ::setenv("AWS_SECRET_ACCESS_KEY", "secret-never-stored", 1);
    home.ok({"remote", "add", "team", "s3://team-bucket/dspace"});
    home.ok({"remote", "add", "disk", "file://" + home.path().string() + "/dest"});
    home.ok({"config", "set", "storage.default_remote", "team"});
    std::string listed = home.ok({"remote", "ls", "--json"});
    CHECK_THAT(listed, Contains("\"name\": \"team\"") && Contains("\"url\": \"s3://team-bucket/dspace\"") && Contains("\"default\": true"));
    CHECK_THAT(home.ok({"remote", "ls"}), Contains("disk") && Contains("yes"));
    auto duplicate = home.run({"remote", "add", "team", "file:///x"});
    CHECK(duplicate.exit_code == 1);
    CHECK_THAT(duplicate.err, Contains("already exists") && Contains("dspace remote rm team"));
    auto bad_url = home.run({"remote", "add", "web", "http://example.com"});
    CHECK(bad_url.exit_code == 2);
    CHECK_THAT(bad_url.err, Contains("neither file:// nor s3://"));
    auto missing = home.run({"remote", "rm", "tem"});
    CHECK(missing.exit_code == 1);
    CHECK_THAT(missing.err, Contains("did you mean 'team'?"));
    home.ok({"remote", "rm", "team"});
    CHECK_THAT(home.ok({"remote", "ls", "--json"}), !Contains("team"));
    CHECK(home.run({"config", "get", "storage.default_remote"}).exit_code == 1);
    CHECK_THAT(dspace::fs::read_file(home.path() / "config.json"), !Contains("secret-never-stored"));
    ::unsetenv("AWS_SECRET_ACCESS_KEY");
}
