// `dspace plugins install` / `rm` with plugin files and org bundles (packed by dspace_add_bundle at build time),
// and the CLI's plugin names read from what is loaded (no database servers needed).
#include "support.hpp"

#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <filesystem>
#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

const fs::path fixtures = DSPACE_TEST_FIXTURE_DIR;
const fs::path bundles = fixtures / "bundles";
const std::string bundled_a = "dspace_migrator_fixture_bundled_a.so";
const std::string bundled_b = "dspace_snapshotter_fixture_bundled_b.so";

//! One loaded entry of `dspace plugins --json`: status and bundle ("" for null).
struct Listed {
    std::string status, bundle, path;
};

//! `dspace plugins --json`, by "<kind>/<name>".
std::map<std::string, Listed> listing(const dspace_test::TestHome &home) {
    std::string json = home.ok({"plugins", "--json"});
    rapidjson::Document doc;
    doc.Parse(json.c_str());
    INFO(json);
    REQUIRE(doc.IsArray());
    std::map<std::string, Listed> out;
    for (const auto &item : doc.GetArray()) {
        REQUIRE(item.HasMember("bundle"));
        REQUIRE((item["bundle"].IsNull() || item["bundle"].IsString()));
        out[std::string(item["kind"].GetString()) + "/" + item["name"].GetString()] = {
            item["status"].GetString(), item["bundle"].IsNull() ? "" : item["bundle"].GetString(), item["path"].GetString()};
    }
    return out;
}

fs::path plugin_dir(const dspace_test::TestHome &home) { return home.path() / "plugins" / "1"; }

//! The plugin files in the home's plugin directory (dot files and the bundles/ records aside).
std::vector<std::string> installed_files(const dspace_test::TestHome &home) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto &entry : fs::directory_iterator(plugin_dir(home), ec))
        if (entry.path().filename().string().rfind("dspace_", 0) == 0) out.push_back(entry.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

//! What bash completion (cli/completion/dspace.bash) offers for the words of a command line, the last being completed.
std::string complete(const std::vector<std::string> &words) {
    std::string script = "source " DSPACE_TEST_SOURCE_DIR "/cli/completion/dspace.bash; COMP_WORDS=(";
    for (const auto &word : words) script += "'" + word + "' ";
    script += "); COMP_CWORD=" + std::to_string(words.size() - 1) + "; _dspace; echo \"${COMPREPLY[*]}\"";
    dspace::ProcessRunnerImpl runner(nullptr);
    dspace::sdk::Command bash;
    bash.argv = {"bash", "-c", script};
    bash.env = {{"PATH", fs::path(DSPACE_TEST_BINARY).parent_path().string() + ":/usr/bin:/bin"}};
    auto ran = runner.run(bash);
    REQUIRE(ran);
    INFO(ran->err);
    REQUIRE(ran->exit_code == 0);
    return ran->out;
}

std::vector<std::string> lines(const std::string &text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

std::string join(const std::vector<std::string> &items, const std::string &separator) {
    std::string out;
    for (const auto &item : items) out += (out.empty() ? "" : separator) + item;
    return out;
}

bool contains(const std::vector<std::string> &items, const std::string &item) {
    return std::find(items.begin(), items.end(), item) != items.end();
}

} // namespace

TEST_CASE("a bundle of two plugins installs all together and is listed with its bundle and removed whole", "[plugins_install]") {
    dspace_test::TestHome home;
    auto installed = home.run({"plugins", "install", (bundles / "fixture_bundle-1.0.0.tar.zst").string()});
    INFO(installed.out << installed.err);
    REQUIRE(installed.exit_code == 0);
    CHECK_THAT(installed.out, Contains("installed bundle fixture_bundle 1.0.0 (2 plugins)"));
    CHECK(installed_files(home) == std::vector<std::string>{bundled_a, bundled_b});
    CHECK(fs::is_regular_file(plugin_dir(home) / "bundles" / "fixture_bundle.json"));
    CHECK((fs::status(plugin_dir(home) / bundled_a).permissions() & fs::perms::all) == fs::perms(0755));

    auto listed = listing(home);
    for (const char *key : {"migrator/fixture_bundled_a", "snapshotter/fixture_bundled_b"}) {
        INFO(key);
        REQUIRE(listed.count(key));
        CHECK(listed[key].status == "loaded");
        CHECK(listed[key].bundle == "fixture_bundle");
    }
    CHECK(listed["flavour/postgres"].bundle.empty());

    SECTION("one of its plugins goes only with the bundle") {
        auto refused = home.run({"plugins", "rm", "fixture_bundled_a"});
        CHECK(refused.exit_code == 1);
        CHECK_THAT(refused.err, Contains("belongs to bundle 'fixture_bundle'"));
        CHECK(installed_files(home).size() == 2);
    }
    SECTION("installing it again replaces its own files without --force") {
        CHECK(home.run({"plugins", "install", (bundles / "fixture_bundle-1.0.0.tar.zst").string()}).exit_code == 0);
        CHECK(installed_files(home).size() == 2);
    }
    auto removed = home.run({"plugins", "rm", "fixture_bundle"});
    INFO(removed.out << removed.err);
    REQUIRE(removed.exit_code == 0);
    CHECK_THAT(removed.out, Contains("removed bundle fixture_bundle"));
    CHECK(installed_files(home).empty());
    CHECK_FALSE(fs::exists(plugin_dir(home) / "bundles" / "fixture_bundle.json"));
    listed = listing(home);
    CHECK(listed.count("migrator/fixture_bundled_a") == 0);
    CHECK(listed.count("snapshotter/fixture_bundled_b") == 0);
}

TEST_CASE("a bundle with one bad checksum installs nothing", "[plugins_install]") {
    dspace_test::TestHome home;
    auto ran = home.run({"plugins", "install", (bundles / "fixture_bundle-tampered.tar.zst").string()});
    INFO(ran.out << ran.err);
    CHECK(ran.exit_code == 1);
    CHECK_THAT(ran.err, Contains("checksum mismatch for " + bundled_b));
    CHECK_THAT(ran.err, Contains("nothing was installed"));
    CHECK(installed_files(home).empty());
    CHECK_FALSE(fs::exists(plugin_dir(home) / "bundles" / "fixture_bundle.json"));
    for (const auto &entry : fs::directory_iterator(plugin_dir(home))) // no staging directory left behind
        CHECK(entry.path().filename().string().rfind(".install-", 0) != 0);
}

TEST_CASE("a bundle with a plugin that fails the handshake installs nothing", "[plugins_install]") {
    dspace_test::TestHome home;
    auto ran = home.run({"plugins", "install", (bundles / "fixture_bad_handshake-1.0.0.tar.zst").string()});
    INFO(ran.out << ran.err);
    CHECK(ran.exit_code == 1);
    CHECK_THAT(ran.err, Contains("dspace_migrator_fixture_bad_magic.so: bad magic number"));
    CHECK_THAT(ran.err, Contains("nothing was installed"));
    CHECK(installed_files(home).empty()); // not even the good plugin beside it
}

TEST_CASE("a plugin file installs into $DSPACE_HOME/plugins/1 and is listed loaded and removed", "[plugins_install]") {
    dspace_test::TestHome home;
    const fs::path good = fixtures / "good" / "dspace_migrator_fixture_good.so";
    auto installed = home.run({"plugins", "install", good.string()});
    INFO(installed.out << installed.err);
    REQUIRE(installed.exit_code == 0);
    CHECK_THAT(installed.out, Contains("installed migrator/fixture_good 1.2.3"));
    auto listed = listing(home);
    REQUIRE(listed.count("migrator/fixture_good"));
    CHECK(listed["migrator/fixture_good"].status == "loaded");
    CHECK(listed["migrator/fixture_good"].bundle.empty());
    CHECK(fs::path(listed["migrator/fixture_good"].path).parent_path() == plugin_dir(home));

    auto again = home.run({"plugins", "install", good.string()});
    CHECK(again.exit_code == 1);
    CHECK_THAT(again.err, Contains("already exists"));
    CHECK_THAT(again.err, Contains("--force"));
    CHECK(home.run({"plugins", "install", "--force", good.string()}).exit_code == 0);

    auto removed = home.run({"plugins", "rm", "migrator/fixture_good"});
    INFO(removed.err);
    CHECK(removed.exit_code == 0);
    CHECK(installed_files(home).empty());
    auto gone = home.run({"plugins", "rm", "fixture_good"});
    CHECK(gone.exit_code == 1);
    CHECK_THAT(gone.err, Contains("no plugin or bundle 'fixture_good' is installed"));
}

TEST_CASE("plugins install refuses a file that is not a plugin with a clear message", "[plugins_install]") {
    dspace_test::TestHome home;
    SECTION("a text file") {
        auto ran = home.run({"plugins", "install", DSPACE_TEST_SOURCE_DIR "/tests/fixtures/plugins/not_elf.txt"});
        CHECK(ran.exit_code == 1);
        CHECK_THAT(ran.err, Contains("is neither a plugin file (dspace_<kind>_<name>.so) nor a bundle archive"));
    }
    SECTION("a text file named like a plugin") {
        auto ran = home.run({"plugins", "install", (fixtures / "not_elf" / "dspace_flavour_fixture_not_elf.so").string()});
        CHECK(ran.exit_code == 1);
        CHECK_THAT(ran.err, Contains("not a shared object"));
        CHECK_THAT(ran.err, Contains("nothing was installed"));
    }
    SECTION("a shared object without the entry point") {
        auto ran = home.run({"plugins", "install", (fixtures / "no_entry" / "dspace_migrator_fixture_no_entry.so").string()});
        CHECK(ran.exit_code == 1);
        CHECK_THAT(ran.err, Contains("not a dspace plugin"));
    }
    CHECK(installed_files(home).empty());
}

TEST_CASE("plugins install refuses a second copy of a loaded plugin without --force", "[plugins_install]") {
    dspace_test::TestHome home;
    const fs::path good = fixtures / "good" / "dspace_migrator_fixture_good.so";
    auto ran = dspace_test::run_dspace({"--plugin-dir", (fixtures / "good").string(), "plugins", "install", good.string()});
    INFO(ran.err);
    CHECK(ran.exit_code == 1);
    CHECK_THAT(ran.err, Contains("migrator 'fixture_good' is already loaded from"));
    CHECK(installed_files(home).empty());
}

TEST_CASE("create --help and snapshot --help and plugins --names list the loaded plugins (third-party ones too)", "[plugins_install]") {
    dspace_test::TestHome home;
    const std::vector<std::string> third_party{"--plugin", (fixtures / "uninstalled" / "dspace_flavour_fixture_uninstalled.so").string(),
                                               "--plugin", (fixtures / "bundled" / bundled_b).string()};
    auto with = [&](std::vector<std::string> args) {
        args.insert(args.begin(), third_party.begin(), third_party.end());
        return home.ok(args);
    };
    auto flavours = lines(with({"plugins", "--names", "flavour"}));
    auto snapshotters = lines(with({"plugins", "--names", "snapshotter"}));
    for (const char *name : {"fixture_uninstalled", "postgres", "mysql"}) CHECK(contains(flavours, name));
    for (const char *name : {"fixture_bundled_b", "rsync", "pg_dump"}) CHECK(contains(snapshotters, name));
    CHECK(std::is_sorted(flavours.begin(), flavours.end()));
    CHECK_THAT(with({"create", "--help"}), Contains("--flavour " + join(flavours, "|") + " "));
    CHECK_THAT(with({"snapshot", "--help"}), Contains("--snapshotter " + join(snapshotters, "|") + "]"));

    auto shipped = lines(home.ok({"plugins", "--names", "flavour"}));
    CHECK_FALSE(contains(shipped, "fixture_uninstalled"));
    CHECK_THAT(home.ok({"create", "--help"}), Contains("--flavour " + join(shipped, "|") + " "));
    CHECK(home.run({"plugins", "--names", "widget"}).exit_code == 2);
}

TEST_CASE("bash completion offers the loaded flavours and snapshotters (third-party ones too)", "[plugins_install]") {
    dspace_test::TestHome home;
    const std::string uninstalled = (fixtures / "uninstalled" / "dspace_flavour_fixture_uninstalled.so").string();
    auto shipped_flavours = lines(home.ok({"plugins", "--names", "flavour"}));
    auto with_fixture = lines(home.ok({"--plugin", uninstalled, "plugins", "--names", "flavour"}));
    CHECK(contains(with_fixture, "fixture_uninstalled"));
    CHECK(complete({"dspace", "create", "x", "--flavour", ""}) == join(shipped_flavours, " ") + "\n");
    CHECK(complete({"dspace", "--plugin", uninstalled, "create", "x", "-f", ""}) == join(with_fixture, " ") + "\n");
    CHECK(complete({"dspace", "--plugin", uninstalled, "create", "x", "-f", "fixture_u"}) == "fixture_uninstalled\n");
    CHECK(complete({"dspace", "snapshot", "x", "s1", "--snapshotter", ""}) ==
          join(lines(home.ok({"plugins", "--names", "snapshotter"})), " ") + "\n");
    CHECK(complete({"dspace", "plugins", ""}) == "install rm\n");
}
