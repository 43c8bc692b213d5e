// Bundle archives checked by PluginInstaller: path tricks, checksums and the manifest (archives written here
// with libarchive, so each trick is exact), and SHA-256 itself.
#define BOOST_DLL_USE_STD_FS // as dspace_core is built: Boost.DLL on std::filesystem
#include "../../../core/src/plugin_host/bundle.hpp"
#include "fixtures.hpp"
#include "support/temp_dir.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/core/plugin_install.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

const std::string good_name = "dspace_migrator_fixture_good.so";

//! One archive entry to write: a regular file by default.
struct Entry {
    std::string path;
    std::string content;
    mode_t type = AE_IFREG;
    std::string link;      //!< symlink target (AE_IFLNK)
    bool hardlink = false; //!< a hard link to link
};

void write_archive(const fs::path &out, const std::vector<Entry> &entries) {
    archive *a = archive_write_new();
    REQUIRE(archive_write_add_filter_zstd(a) == ARCHIVE_OK);
    REQUIRE(archive_write_set_format_pax_restricted(a) == ARCHIVE_OK);
    REQUIRE(archive_write_open_filename(a, out.c_str()) == ARCHIVE_OK);
    for (const auto &e : entries) {
        archive_entry *entry = archive_entry_new();
        archive_entry_set_pathname(entry, e.path.c_str());
        archive_entry_set_perm(entry, 0644);
        if (e.hardlink) {
            archive_entry_set_hardlink(entry, e.link.c_str());
        } else {
            archive_entry_set_filetype(entry, e.type);
            if (e.type == AE_IFLNK) archive_entry_set_symlink(entry, e.link.c_str());
            if (e.type == AE_IFREG) archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
        }
        REQUIRE(archive_write_header(a, entry) == ARCHIVE_OK);
        if (e.type == AE_IFREG && !e.hardlink && !e.content.empty())
            REQUIRE(archive_write_data(a, e.content.data(), e.content.size()) == static_cast<la_ssize_t>(e.content.size()));
        archive_entry_free(entry);
    }
    REQUIRE(archive_write_close(a) == ARCHIVE_OK);
    archive_write_free(a);
}

//! bundle.json for the good fixture under the name listed (with the checksum sha256).
std::string manifest(const std::string &listed, const std::string &sha256) {
    return "{\"name\": \"tricks\", \"version\": \"1\", \"files\": [{\"name\": \"" + listed + "\", \"sha256\": \"" + sha256 + "\"}]}";
}

//! A plugin directory and a bundle to install into it.
struct Setup {
    dspace_test::TempDir tmp{"dspace-bundle-test-"};
    fs::path dir = tmp.path() / "plugins" / "1";
    fs::path archive = tmp.path() / "tricks.tar.zst";
    std::string good = dspace::fs::read_file(dspace_test::fixture_file("good"));
    std::string good_sha = dspace::plugin_bundle::sha256_file(dspace_test::fixture_file("good"));
    dspace::PluginHost loaded; // nothing loaded: no shadowing

    //! Installs archive; returns the error message ("" when it installed).
    std::string install() {
        dspace::PluginInstaller installer(dir, 0700, loaded);
        try {
            installer.install(archive, false);
        } catch (const dspace::Error &e) {
            return e.what();
        }
        return {};
    }
    //! Everything in the plugin directory and beside it, other than the lock and the archive.
    std::vector<std::string> leftovers() const {
        std::vector<std::string> out;
        for (const auto &entry : fs::recursive_directory_iterator(tmp.path())) {
            std::string name = entry.path().filename().string();
            if (entry.path() == archive || name == ".lock" || entry.path() == dir || entry.path() == dir.parent_path()) continue;
            out.push_back(fs::relative(entry.path(), tmp.path()).string());
        }
        return out;
    }
};

} // namespace

TEST_CASE("sha256_file gives the standard SHA-256", "[plugin_host][bundle]") {
    dspace_test::TempDir tmp;
    dspace::fs::write_file_atomic(tmp.path() / "abc", "abc");
    CHECK(dspace::plugin_bundle::sha256_file(tmp.path() / "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("a well-formed bundle written here installs (the base the trick tests change)", "[plugin_host][bundle]") {
    Setup s;
    write_archive(s.archive, {{"bundle.json", manifest(good_name, s.good_sha)}, {"./" + good_name, s.good}});
    CHECK(s.install().empty());
    CHECK(fs::is_regular_file(s.dir / good_name));
    CHECK(dspace::bundle_of(s.dir / good_name) == "tricks");
}

TEST_CASE("bundle archives with path tricks or unlisted files install nothing", "[plugin_host][bundle]") {
    Setup s;
    const Entry json{"bundle.json", manifest(good_name, s.good_sha)};
    const Entry plugin{good_name, s.good};
    std::vector<Entry> entries;
    std::string expected;
    SECTION("an absolute path") {
        entries = {json, plugin, {"/tmp/dspace_migrator_fixture_evil.so", s.good}};
        expected = "is an absolute path";
    }
    SECTION("a path with ..") {
        entries = {json, plugin, {"../dspace_migrator_fixture_evil.so", s.good}};
        expected = "is not a plain file name";
    }
    SECTION("a file in a directory") {
        entries = {json, plugin, {"sub/x.so", s.good}};
        expected = "is not a plain file name";
    }
    SECTION("a symbolic link") {
        entries = {json, {good_name, "", AE_IFLNK, "/etc/passwd"}};
        expected = "is a symbolic link";
    }
    SECTION("a hard link") {
        entries = {json, plugin, {"dspace_migrator_fixture_other.so", "", AE_IFREG, good_name, true}};
        expected = "is a hard link";
    }
    SECTION("a directory") {
        entries = {json, plugin, {"dir", "", AE_IFDIR}};
        expected = "'dir/' is not a plain file name"; // pax writes a directory as "dir/"
    }
    SECTION("a name seen twice") {
        entries = {json, plugin, plugin};
        expected = "appears twice";
    }
    SECTION("a file bundle.json does not list") {
        entries = {json, plugin, {"dspace_migrator_fixture_extra.so", s.good}};
        expected = "which bundle.json does not list";
    }
    SECTION("a listed file the archive does not hold") {
        entries = {json};
        expected = "which the archive does not hold";
    }
    SECTION("no bundle.json") {
        entries = {plugin};
        expected = "has no bundle.json";
    }
    SECTION("a wrong checksum") {
        entries = {{"bundle.json", manifest(good_name, std::string(64, '0'))}, plugin};
        expected = "checksum mismatch for " + good_name;
    }
    SECTION("a listed name that is not a plugin file name") {
        entries = {{"bundle.json", manifest("../x.so", s.good_sha)}, plugin};
        expected = "is not a plugin file name";
    }
    write_archive(s.archive, entries);
    CHECK_THAT(s.install(), Contains(expected));
    CHECK(s.leftovers().empty());
    CHECK_FALSE(fs::exists(s.tmp.path() / "dspace_migrator_fixture_evil.so"));
}

TEST_CASE("plugins rm refuses names that are not plugin or bundle names", "[plugin_host][bundle]") {
    Setup s;
    dspace::fs::make_private_dir(s.dir);
    dspace::PluginInstaller installer(s.dir, 0700, s.loaded);
    for (const std::string what : {"../x", "flavour/../../x", "widget/x", "a/b/c", "Bad"}) {
        INFO(what);
        CHECK_THROWS_AS(installer.remove(what), dspace::UsageError);
    }
    CHECK_THROWS_WITH(installer.remove("acme-bundle"), Contains("no plugin or bundle 'acme-bundle' is installed"));
}

TEST_CASE("plugins rm unlinks a symbolic link and never touches what it points to", "[plugin_host][bundle]") {
    Setup s;
    dspace::fs::make_private_dir(s.dir);
    const fs::path outside = s.tmp.path() / "precious";
    dspace::fs::write_file_atomic(outside, "keep me");
    fs::create_symlink(outside, s.dir / "dspace_migrator_fixture_link.so");
    dspace::PluginInstaller installer(s.dir, 0700, s.loaded);
    auto report = installer.remove("fixture_link");
    CHECK(report.removed.size() == 1);
    CHECK_FALSE(fs::exists(fs::symlink_status(s.dir / "dspace_migrator_fixture_link.so")));
    CHECK(dspace::fs::read_file(outside) == "keep me");
}

TEST_CASE("an install removes the staging directory an interrupted install left", "[plugin_host][bundle]") {
    Setup s;
    dspace::fs::make_private_dir(s.dir);
    dspace::fs::make_private_dir(s.dir / ".install-abc123");
    dspace::fs::write_file_atomic(s.dir / ".install-abc123" / good_name, s.good);
    dspace::PluginInstaller installer(s.dir, 0700, s.loaded);
    installer.install(dspace_test::fixture_file("good"), false);
    CHECK_FALSE(fs::exists(s.dir / ".install-abc123"));
    CHECK(fs::is_regular_file(s.dir / good_name));
}

TEST_CASE("installing a bundle's plugin alone with --force takes it out of the bundle", "[plugin_host][bundle]") {
    Setup s;
    const fs::path bundled = fs::path(DSPACE_TEST_FIXTURE_DIR) / "bundled" / "dspace_migrator_fixture_bundled_a.so";
    dspace::PluginInstaller installer(s.dir, 0700, s.loaded);
    installer.install(fs::path(DSPACE_TEST_FIXTURE_DIR) / "bundles" / "fixture_bundle-1.0.0.tar.zst", false);
    REQUIRE(dspace::bundle_of(s.dir / bundled.filename()) == "fixture_bundle");
    CHECK_THROWS_WITH(installer.install(bundled, false), Contains("installed by bundle 'fixture_bundle'"));
    installer.install(bundled, true);
    CHECK(dspace::bundle_of(s.dir / bundled.filename()).empty());
    CHECK(dspace::bundle_of(s.dir / "dspace_snapshotter_fixture_bundled_b.so") == "fixture_bundle");
    auto removed = installer.remove("fixture_bundle");
    CHECK(removed.removed == std::vector<fs::path>{s.dir / "dspace_snapshotter_fixture_bundled_b.so"});
    CHECK(fs::is_regular_file(s.dir / bundled.filename()));
}
