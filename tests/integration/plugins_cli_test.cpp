// The real dspace program's plugin listing, global options and usage errors (no database servers needed).
#include "support.hpp"
#include "support/temp_dir.hpp"

#include <dspace/sdk/abi.h>

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

//! Runs the built dspace with args, a fresh DSPACE_HOME and no DSPACE_PLUGIN_PATH.
dspace_test::RunResult run_dspace(const std::vector<std::string> &args) {
    dspace_test::TempDir home("dspace-plugins-cli-");
    return dspace_test::run_dspace(args, 180, {{"DSPACE_HOME", (home.path() / "home").string()}, {"DSPACE_PLUGIN_PATH", ""}});
}

//! One entry of `dspace plugins --json`.
struct Listed {
    std::string kind, name, version, sdk, path, status, reason;
};

//! Parses `dspace plugins --json` output, checking its shape.
std::vector<Listed> parse_listing(const std::string &json) {
    rapidjson::Document doc;
    doc.Parse(json.c_str());
    INFO(json);
    REQUIRE_FALSE(doc.HasParseError());
    REQUIRE(doc.IsArray());
    std::vector<Listed> out;
    for (const auto &item : doc.GetArray()) {
        REQUIRE(item.IsObject());
        for (const char *key : {"kind", "name", "version", "sdk", "path", "status", "reason"}) {
            INFO(key);
            REQUIRE(item.HasMember(key));
            REQUIRE(item[key].IsString());
        }
        out.push_back({item["kind"].GetString(), item["name"].GetString(), item["version"].GetString(),
                       item["sdk"].GetString(), item["path"].GetString(), item["status"].GetString(),
                       item["reason"].GetString()});
    }
    return out;
}

fs::path fixture(const std::string &fixture_case, const std::string &kind = "migrator") {
    return fs::path(DSPACE_TEST_FIXTURE_DIR) / fixture_case / ("dspace_" + kind + "_fixture_" + fixture_case + ".so");
}

} // namespace

TEST_CASE("dspace plugins --json lists the eight shipped plugins as loaded", "[plugins_cli]") {
    auto ran = run_dspace({"plugins", "--json"});
    INFO(ran.err);
    REQUIRE(ran.exit_code == 0);
    auto listed = parse_listing(ran.out);
    const std::vector<std::pair<std::string, std::string>> shipped{
        {"flavour", "postgres"},   {"flavour", "mysql"},   {"migrator", "liquibase"},   {"migrator", "flyway"},
        {"migrator", "alembic"},   {"snapshotter", "rsync"}, {"snapshotter", "tar"}, {"snapshotter", "pg_dump"}};
    for (const auto &[kind, name] : shipped) {
        INFO(kind << " " << name);
        auto it = std::find_if(listed.begin(), listed.end(), [&](const Listed &l) { return l.kind == kind && l.name == name; });
        CHECK(it != listed.end());
        if (it == listed.end()) continue;
        CHECK(it->status == "loaded");
        CHECK(it->reason.empty());
        CHECK_FALSE(it->version.empty());
        CHECK(it->sdk == std::to_string(DSPACE_SDK_ABI_MAJOR) + "." + std::to_string(DSPACE_SDK_ABI_MINOR));
        CHECK(fs::path(it->path).is_absolute());
    }
}

TEST_CASE("dspace --plugin-dir with broken plugins lists them with reasons and succeeds", "[plugins_cli]") {
    const fs::path all = fs::path(DSPACE_TEST_FIXTURE_DIR) / "all";
    auto ran = run_dspace({"--plugin-dir", all.string(), "plugins", "--json"});
    INFO(ran.err);
    REQUIRE(ran.exit_code == 0);
    std::map<std::string, Listed> by_name;
    for (auto &l : parse_listing(ran.out))
        if (fs::path(l.path).parent_path() == all) by_name[l.name] = l;
    REQUIRE(by_name.size() >= 13);
    CHECK(by_name["fixture_good"].status == "loaded");
    for (const char *name : {"fixture_bad_magic", "fixture_major_mismatch", "fixture_newer_minor", "fixture_wrong_tag"}) {
        INFO(name);
        CHECK(by_name[name].status == "incompatible");
        CHECK_FALSE(by_name[name].reason.empty());
    }
    for (const char *name : {"fixture_no_entry", "fixture_not_elf", "fixture_throws_in_register", "fixture_dup_name"}) {
        INFO(name);
        CHECK(by_name[name].status == "failed");
        CHECK_FALSE(by_name[name].reason.empty());
    }
    CHECK_THAT(by_name["fixture_major_mismatch"].reason, Contains("rebuild"));
}

TEST_CASE("the table view explains every plugin that did not load", "[plugins_cli]") {
    auto ran = run_dspace({"--plugin-dir", (fs::path(DSPACE_TEST_FIXTURE_DIR) / "all").string(), "plugins"});
    REQUIRE(ran.exit_code == 0);
    CHECK_THAT(ran.out, Contains("STATUS") && Contains("incompatible") && Contains("ABI tag mismatch") &&
                            Contains("fix: ") && Contains("Search path"));
}

TEST_CASE("dspace --plugin with a bad file fails with the reason", "[plugins_cli]") {
    auto ran = run_dspace({"--plugin", fixture("bad_magic").string(), "plugins"});
    CHECK(ran.exit_code == 1);
    CHECK_THAT(ran.err, Contains("bad magic") && Contains("0xdeadbeef") && Contains("hint:"));
    auto good = run_dspace({"--plugin", fixture("good").string(), "plugins", "--json"});
    CHECK(good.exit_code == 0);
    CHECK_THAT(good.out, Contains("fixture_good"));
}

TEST_CASE("dspace --version prints the program and SDK versions", "[plugins_cli]") {
    auto ran = run_dspace({"--version"});
    CHECK(ran.exit_code == 0);
    CHECK_THAT(ran.out, Contains("dspace ") &&
                            Contains("SDK " + std::to_string(DSPACE_SDK_ABI_MAJOR) + "." + std::to_string(DSPACE_SDK_ABI_MINOR)));
}

TEST_CASE("usage errors exit 2 with a hint", "[plugins_cli]") {
    auto verb = run_dspace({"frobnicate"});
    CHECK(verb.exit_code == 2);
    CHECK_THAT(verb.err, Contains("frobnicate") && Contains("hint:") && Contains("--help"));
    auto option = run_dspace({"--frobnicate", "plugins"});
    CHECK(option.exit_code == 2);
    CHECK_THAT(option.err, Contains("--frobnicate") && Contains("hint:"));
    auto verb_option = run_dspace({"plugins", "--frobnicate"});
    CHECK(verb_option.exit_code == 2);
    CHECK_THAT(verb_option.err, Contains("frobnicate") && Contains("hint:"));
    auto missing_value = run_dspace({"--plugin-dir"});
    CHECK(missing_value.exit_code == 2);
}

TEST_CASE("dspace --help and dspace plugins --help succeed", "[plugins_cli]") {
    auto help = run_dspace({"--help"});
    CHECK(help.exit_code == 0);
    CHECK_THAT(help.out, Contains("plugins") && Contains("--plugin-dir"));
    auto verb_help = run_dspace({"plugins", "--help"});
    CHECK(verb_help.exit_code == 0);
    CHECK_THAT(verb_help.out, Contains("--json"));
}

TEST_CASE("an exception escaping a flavour's method is reported with the plugin's name, file and method",
          "[plugins][guard]") {
    dspace_test::TestHome home;
    const std::string file = (fs::path(DSPACE_TEST_FIXTURE_DIR) / "throws" / "dspace_flavour_fixture_throws.so").string();
    auto ran = home.run({"--plugin", file, "create", "s1", "--flavour", "fixture_throws"});
    CHECK(ran.exit_code == 1);
    const std::string attribution = "plugin flavour/fixture_throws (" + file + ") failed in installed_versions: fixture: installed_versions is broken";
    CHECK_THAT(ran.err, Contains("error: " + attribution));
    CHECK_THAT(ran.err, !Contains("internal error"));
    CHECK_THAT(ran.err, Contains("hint: this is a bug in the plugin fixture_throws"));
    std::ifstream log(home.path() / "logs" / "dspace.log");
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    CHECK_THAT(text, Contains("plugin flavour/fixture_throws 7.7.7 (" + file + ") failed in installed_versions: fixture: installed_versions is broken"));
}
