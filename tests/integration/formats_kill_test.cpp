// Killing dspace with SIGKILL at moments spread over `export` (to a local path, a file:// URL, a file:// remote and
// s3://) and over `create --from` (a data directory, a tar, a dump, an s3:// object; with and without --move): the
// next command sees the old or the new state. An export leaves nothing or a complete output under the target's name and no
// temporary space; an adoption leaves no space or a whole one, and its source untouched or fully moved away.
#include "kill_support.hpp"
#include "snapshot_items.hpp"
#include "support/s3_server.hpp"
#include "support/temp_dir.hpp"

#include <iostream>
#include <set>

using namespace kill_test;
using Catch::Matchers::Contains;
using dspace_test::postgres_sql;
using dspace_test::TempDir;
using snapshot_test::change_items;
using snapshot_test::create_with_items;
using snapshot_test::items_state;
namespace stdfs = std::filesystem;

namespace {

//! One export a kill interrupts: its format, its --to, and the path or URL `create --from` reads it back from.
struct ExportTarget {
    std::string format; //!< pgdata, tar or dump
    std::string to;     //!< what --to names
    std::string from;   //!< where the output is read back
};

std::vector<std::string> export_args(const ExportTarget &target) {
    return {"export", "src", "s1", "--format", target.format, "--to", target.to};
}

//! A home whose space src has snapshot s1 (state) and other live data since (live).
struct ExportSource {
    TestHome home;
    std::string state = create_with_items(home, postgres_sql(), "src");
    std::string live;
    ExportSource() {
        home.ok({"snapshot", "src", "s1"});
        dspace_test::query(home, "src", change_items); // an export is of the snapshot, not of the live data
        live = items_state(home, postgres_sql(), "src");
    }
};

//! Kills `dspace export` of target_of(i) at moments spread over span (n times), then checks: the temporary space is
//! gone (only src is listed, no server runs untracked), src and its snapshots are unchanged, and the export run
//! again succeeds, or finds the output already there: complete, it makes a space holding the snapshot's data.
void kill_exports(const ExportSource &source, std::chrono::milliseconds span, const std::function<ExportTarget(int)> &target_of, int n) {
    const TestHome &home = source.home;
    kill_spread(span, [&](int i) { return export_args(target_of(i)); }, [&](int i) {
        ExportTarget target = target_of(i);
        INFO(target.format << " to " << target.to);
        CHECK(check_after_kill(home, postgres_sql(), false) == std::map<std::string, std::string>{{"src", "running"}});
        CHECK(items_state(home, postgres_sql(), "src") == source.live);
        auto again = home.run(export_args(target));
        if (again.succeeded()) return; // nothing was there: what the export makes is the formats tests' subject
        CHECK_THAT(again.err, Contains("already exists"));
        home.ok({"create", "back", "--from", target.from});
        CHECK(items_state(home, postgres_sql(), "back") == source.state);
        home.ok({"rm", "back"});
    }, n);
    CHECK(home.run({"snapshot", "verify"}).succeeded());
}

//! Relative path → type, size and modification time of everything below root (root itself included).
std::map<std::string, std::string> fingerprint(const stdfs::path &root) {
    std::map<std::string, std::string> out;
    auto note = [&](const stdfs::path &path) {
        struct stat st {};
        REQUIRE(::lstat(path.c_str(), &st) == 0);
        out[stdfs::relative(path, root.parent_path()).string()] = std::to_string(st.st_mode) + " " + std::to_string(st.st_size) + " " +
                                                                   std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
    };
    note(root);
    if (stdfs::is_directory(stdfs::symlink_status(root)))
        for (const auto &entry : stdfs::recursive_directory_iterator(root)) note(entry.path());
    return out;
}

} // namespace

TEST_CASE("SIGKILL during an export leaves nothing or the whole output at its path, file:// remote or s3:// object and no temporary space",
          "[integration][kill][formats][export][s3]") {
    ExportSource source;
    TempDir out("dspace-export-kill-");
    // To a path (every other one as a file:// URL): 4 kills (12 with DSPACE_TEST_LONG=1) over the three formats.
    auto span = duration_of(source.home, export_args({"tar", (out.path() / "probe.tar").string(), ""}));
    const std::vector<std::string> formats{"pgdata", "tar", "dump"};
    auto path_target = [&](int i) {
        std::string format = formats[i % formats.size()];
        std::string path = (out.path() / ("out" + std::to_string(i) + "." + format)).string();
        return ExportTarget{format, (i % 2 ? "file://" : "") + path, path};
    };
    kill_exports(source, span, path_target, kills_per_operation() / 5);
    // Only complete outputs are left: the export run again removed what the killed one had half written beside them.
    for (const auto &entry : stdfs::directory_iterator(out.path())) {
        INFO("left in the export directory: " << entry.path().filename().string());
        CHECK(entry.path().filename().string().front() != '.');
    }

    // To storage (put as one object: the output is built inside the temporary space): 1 kill each (3 when long).
    int n = kills_per_operation() / 20;
    // A file:// remote of its own per kill, as the object's name there (src-s1.FORMAT) is the same each time.
    auto remote_target = [&](int i) {
        std::string name = "r" + std::to_string(i), format = i % 2 ? "dump" : "tar";
        return ExportTarget{format, name, (out.path() / name / ("src-s1." + format)).string()};
    };
    for (int i = 0; i < n; ++i) source.home.ok({"remote", "add", "r" + std::to_string(i), "file://" + (out.path() / ("r" + std::to_string(i))).string()});
    kill_exports(source, span, remote_target, n);

    if (dspace_test::s3rver_program().empty()) {
        std::cout << "s3:// part skipped: s3rver is not installed (scripts/bootstrap installs it: npm install -g s3rver@3.7.1)\n";
        return;
    }
    dspace_test::S3Server server;
    std::string bucket = "s3://" + server.bucket();
    auto s3_target = [&](int i) {
        std::string format = i % 2 ? "tar" : "dump", url = bucket + "/exports/out" + std::to_string(i) + "." + format;
        return ExportTarget{format, url, url};
    };
    kill_exports(source, duration_of(source.home, export_args({"tar", bucket + "/probe.tar", ""})), s3_target, n);
}

TEST_CASE("SIGKILL during create --from leaves no space or a whole one, and the source untouched or fully moved",
          "[integration][kill][formats][adopt][s3]") {
    ExportSource source;
    const TestHome &home = source.home;
    TempDir out("dspace-adopt-kill-");
    const std::vector<std::string> formats{"pgdata", "tar", "dump"};
    for (const auto &format : formats) home.ok({"export", "src", "s1", "--format", format, "--to", (out.path() / ("made." + format)).string()});
    auto span = duration_of(home, {"create", "adopted", "--from", (out.path() / "made.tar").string()});
    home.ok({"rm", "adopted"});
    // Kill i adopts formats[i % 3], with --move (of a copy) when i is odd and the source a data directory or tar.
    auto move_of = [&](int i) { return i % 2 == 1 && formats[i % 3] != "dump"; };
    auto path_of = [&](int i) {
        stdfs::path made = out.path() / ("made." + formats[i % 3]);
        return move_of(i) ? out.path() / ("moved" + std::to_string(i) + "." + formats[i % 3]) : made;
    };
    auto args_of = [&](int i) {
        std::vector<std::string> args{"create", "adopted", "--from", path_of(i).string()};
        if (move_of(i)) args.push_back("--move");
        return args;
    };
    std::map<std::string, std::string> before;
    kill_spread(span, [&](int i) {
        if (move_of(i)) stdfs::copy(out.path() / ("made." + formats[i % 3]), path_of(i), stdfs::copy_options::recursive);
        before = fingerprint(path_of(i));
        return args_of(i);
    }, [&](int i) {
        auto spaces = check_after_kill(home, postgres_sql(), false); // nothing half made below spaces/, no server untracked
        bool made = spaces.count("adopted") == 1;
        bool present = stdfs::exists(stdfs::symlink_status(path_of(i)));
        INFO((made ? "the space was made" : "no space was made") << "; the source is " << (present ? "there" : "gone"));
        CHECK(spaces.size() == (made ? 2u : 1u));
        if (present) CHECK(fingerprint(path_of(i)) == before); // untouched, or (--move) moved away whole
        else CHECK((move_of(i) && made));
        if (!made) home.ok(args_of(i)); // run again, it completes
        CHECK(items_state(home, postgres_sql(), "adopted") == source.state);
        home.ok({"rm", "adopted"});
    }, kills_per_operation() / 5); // 4 (12 with DSPACE_TEST_LONG=1): each format, and --move of a directory and of a tar
    CHECK(items_state(home, postgres_sql(), "src") == source.live);

    // From s3://: the object is downloaded into the cache first; what a killed download left goes with the next one.
    if (dspace_test::s3rver_program().empty()) {
        std::cout << "s3:// part skipped: s3rver is not installed (scripts/bootstrap installs it: npm install -g s3rver@3.7.1)\n";
        return;
    }
    dspace_test::S3Server server;
    std::string url = "s3://" + server.bucket() + "/made.tar";
    home.ok({"export", "src", "s1", "--format", "tar", "--to", url});
    std::vector<std::string> from_s3{"create", "adopted", "--from", url};
    kill_spread(duration_of(home, from_s3), [&](int i) {
        if (i == 0) home.ok({"rm", "adopted"});
        return from_s3;
    }, [&](int) {
        if (check_after_kill(home, postgres_sql(), false).count("adopted")) {
            CHECK(items_state(home, postgres_sql(), "adopted") == source.state);
            home.ok({"rm", "adopted"});
        }
        home.ok(from_s3); // run again: it completes, and its download removed what the killed one left
        CHECK(items_state(home, postgres_sql(), "adopted") == source.state);
        home.ok({"rm", "adopted"});
        std::error_code ec;
        CHECK(stdfs::is_empty(home.path() / "cache" / "downloads", ec));
    }, kills_per_operation() / 20);
}
