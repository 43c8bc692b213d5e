// One path authority: names given to dspace never reach outside $DSPACE_HOME, and nothing inside it is created
// or deleted through a symbolic link. Each case is a defect that once deleted or created files elsewhere.
#include "support.hpp"

#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using dspace_test::TempDir;
using dspace_test::TestHome;
using Catch::Matchers::Contains;
namespace stdfs = std::filesystem;

namespace {

//! A directory outside the home holding sub1/, sub1/file and keep.txt: what a bad name must leave alone.
struct Outside {
    TempDir dir{"dspace-outside-"};
    Outside() {
        stdfs::create_directories(dir.path() / "sub1");
        std::ofstream(dir.path() / "sub1" / "file") << "precious\n";
        std::ofstream(dir.path() / "keep.txt") << "precious\n";
    }
    //! True when every entry made above is still there and nothing was added.
    bool untouched() const {
        std::size_t count = 0;
        for (auto it = stdfs::recursive_directory_iterator(dir.path()); it != stdfs::recursive_directory_iterator(); ++it) ++count;
        return count == 3 && stdfs::exists(dir.path() / "sub1" / "file") && stdfs::exists(dir.path() / "keep.txt");
    }
    std::string path() const { return dir.path().string(); }
};

//! A stopped space's state file, written by hand so that no server is needed.
void write_stopped_space(const TestHome &home, const std::string &name) {
    stdfs::path dir = home.path() / "spaces" / name;
    stdfs::create_directories(dir);
    std::ofstream(dir / "space.json") << R"({"name": ")" << name
                                      << R"(", "flavour": "postgres", "version": "15", "port": 5999, "user": "u", "database": "d", "pid": 0})";
}

//! Requires that r was refused as a usage error (exit 2) naming an invalid name.
void require_refused(const dspace_test::RunResult &r) {
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("error: invalid"));
}

} // namespace

TEST_CASE("paths: a name that is a path is refused by every verb, and nothing outside the home is touched", "[integration][paths]") {
    TestHome home;
    Outside outside;
    stdfs::create_directories(home.path() / "snapshots" / "real");
    std::string relative = "../../" + outside.dir.path().filename().string();

    require_refused(home.run({"snapshot", "verify", outside.path(), "--repair"}));
    require_refused(home.run({"snapshot", "rm", outside.path(), "sub1"}));
    require_refused(home.run({"snapshot", "rm", "real", "../../../" + outside.dir.path().filename().string() + "/sub1"}));
    require_refused(home.run({"snapshot", "rm", relative, "sub1"}));
    require_refused(home.run({"snapshot", outside.path(), "s"}));
    require_refused(home.run({"snapshot", "ls", outside.path()}));
    require_refused(home.run({"snapshot", "inspect", outside.path(), "sub1"}));
    require_refused(home.run({"snapshot", "cp", "real", "x", "y", "--to-space", outside.path()}));
    require_refused(home.run({"rollback", outside.path(), "--to", "sub1"}));
    require_refused(home.run({"copy", outside.path(), "new"}));
    require_refused(home.run({"create", "new", "--from-snapshot", "real/" + relative}));
    CHECK(home.run({"create", "new", "--from-snapshot", outside.path() + "/sub1"}).exit_code == 2);
    for (const char *verb : {"stop", "start", "pause", "resume", "status", "env", "logs"})
        require_refused(home.run({verb, outside.path()}));
    require_refused(home.run({"rm", "--force", outside.path()}));
    require_refused(home.run({"rm", "--force", "--purge", relative}));
    CHECK(outside.untouched());
}

TEST_CASE("paths: verify --repair unlinks a symbolic link in the snapshot store and never empties its target", "[integration][paths]") {
    TestHome home;
    Outside outside;
    stdfs::create_directories(home.path() / "snapshots");
    stdfs::create_directory_symlink(outside.dir.path(), home.path() / "snapshots" / "evil");
    stdfs::create_directories(home.path() / "snapshots" / "real");
    stdfs::create_directory_symlink(outside.dir.path(), home.path() / "snapshots" / "real" / "snap");

    auto checked = home.run({"snapshot", "verify"});
    CHECK(checked.exit_code == 1);
    CHECK_THAT(checked.out, Contains("evil"));
    CHECK(outside.untouched());

    auto repaired = home.run({"snapshot", "verify", "--repair"});
    INFO(repaired.out << repaired.err);
    CHECK(repaired.exit_code == 0);
    CHECK(outside.untouched());
    CHECK_FALSE(stdfs::exists(stdfs::symlink_status(home.path() / "snapshots" / "evil")));
    CHECK_FALSE(stdfs::exists(stdfs::symlink_status(home.path() / "snapshots" / "real" / "snap")));

    // A snapshot name that is a link to a directory outside: removed as a link, the target stays.
    stdfs::create_directory_symlink(outside.dir.path(), home.path() / "snapshots" / "real" / "linked");
    home.run({"snapshot", "rm", "real", "linked"});
    CHECK(outside.untouched());
}

TEST_CASE("paths: a lock file replaced by a symbolic link is refused, its target is not created", "[integration][paths]") {
    TestHome home;
    Outside outside;
    write_stopped_space(home, "db");
    stdfs::path target = outside.dir.path() / "created-by-lock";
    stdfs::create_symlink(target, home.path() / "spaces" / "db" / "lock");
    auto r = home.run({"stop", "db"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains("symbolic link"));
    CHECK_FALSE(stdfs::exists(target));

    stdfs::remove(home.path() / ".lock");
    stdfs::create_symlink(target, home.path() / ".lock"); // the home's own lock
    CHECK(home.run({"config", "set", "spaces.listen_address", "127.0.0.1"}).exit_code == 1);
    CHECK_FALSE(stdfs::exists(target));
    stdfs::remove(home.path() / ".lock");
    CHECK(outside.untouched());
}

TEST_CASE("paths: a space directory that is a symbolic link is never entered; rm --force unlinks it", "[integration][paths]") {
    TestHome home;
    Outside outside;
    write_stopped_space(home, "db");
    std::ofstream(outside.dir.path() / "space.json") << std::ifstream(home.path() / "spaces" / "db" / "space.json").rdbuf();
    stdfs::create_directories(home.path() / "spaces");
    stdfs::create_directory_symlink(outside.dir.path(), home.path() / "spaces" / "linked");
    CHECK(home.run({"stop", "linked"}).exit_code == 1);
    CHECK_FALSE(stdfs::exists(outside.dir.path() / "lock"));
    home.ok({"rm", "--force", "linked"});
    CHECK_FALSE(stdfs::exists(stdfs::symlink_status(home.path() / "spaces" / "linked")));
    CHECK(stdfs::exists(outside.dir.path() / "space.json"));
    CHECK(stdfs::exists(outside.dir.path() / "sub1" / "file"));
}

TEST_CASE("read-only verbs create nothing when $DSPACE_HOME is missing", "[integration][paths]") {
    TestHome home;
    stdfs::path missing = home.path() / "not-yet";
    std::vector<std::pair<std::string, std::string>> env{{"DSPACE_HOME", missing.string()}};
    const std::vector<std::vector<std::string>> verbs{
        {"list"}, {"list", "--json"}, {"status", "db"}, {"snapshot", "ls"}, {"snapshot", "ls", "db"}, {"snapshot", "inspect", "db", "s"},
        {"snapshot", "verify"}, {"env", "db"}, {"logs", "db"}, {"plugins"}, {"config", "list"}, {"config", "get", "spaces.listen_address"},
        {"setup", "--check"}};
    for (const auto &args : verbs) {
        auto r = dspace_test::run_dspace(args, 60, env);
        INFO("dspace " << args.front() << (args.size() > 1 ? " " + args[1] : "") << ": " << r.err);
        CHECK(r.exit_code >= 0);
        CHECK_THAT(r.err, !Contains("internal error"));
        CHECK_FALSE(stdfs::exists(missing));
    }
}
