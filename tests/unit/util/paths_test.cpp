// Where $DSPACE_HOME is when the environment does not say.
#include <dspace/core/paths.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <unistd.h>

TEST_CASE("the home is $DSPACE_HOME, else a per-user default", "[paths]") {
    const char *saved = std::getenv("DSPACE_HOME");
    std::string kept = saved ? saved : "";

    ::setenv("DSPACE_HOME", "/tmp/some-home", 1);
    CHECK(dspace::Paths::default_home() == "/tmp/some-home");

    ::unsetenv("DSPACE_HOME");
    if (::geteuid() == 0) {
        CHECK(dspace::Paths::default_home() == "/var/lib/dataspace"); // /root is closed to the servers' users
    } else {
        ::setenv("HOME", "/home/someone", 1);
        CHECK(dspace::Paths::default_home() == "/home/someone/.dataspace");
    }
    dspace::Paths paths("/h");
    CHECK(paths.space_dir("db") == "/h/spaces/db");
    CHECK(paths.config_file() == "/h/config.json");

    if (saved) ::setenv("DSPACE_HOME", kept.c_str(), 1);
}
