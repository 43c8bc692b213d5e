// Destination URLs, object keys, S3's XML answers and remotes in the configuration: pure logic, no server.
#include "support/temp_dir.hpp"

#include "../../../core/src/storage/storage_url.hpp"
#include "../../../core/src/storage/xml_text.hpp"

#include <dspace/core/config.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/remotes.hpp>

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;

TEST_CASE("storage URLs: file:// needs an absolute path, s3:// a valid bucket and key prefix", "[storage]") {
    auto file = dspace::parse_storage_url("file:///srv/backups");
    CHECK(file.scheme == dspace::StorageScheme::file);
    CHECK(file.location == "/srv/backups");
    auto s3 = dspace::parse_storage_url("s3://team-bucket/dspace/snapshots/");
    CHECK(s3.scheme == dspace::StorageScheme::s3);
    CHECK(s3.location == "team-bucket");
    CHECK(s3.prefix == "dspace/snapshots");
    CHECK(dspace::parse_storage_url("s3://team-bucket").prefix.empty());
    CHECK_THROWS_AS(dspace::parse_storage_url("file://relative/dir"), dspace::UsageError);
    CHECK_THROWS_AS(dspace::parse_storage_url("s3://Upper_Case"), dspace::UsageError);
    CHECK_THROWS_AS(dspace::parse_storage_url("s3://ok-bucket/../up"), dspace::UsageError);
    CHECK_THROWS_AS(dspace::parse_storage_url("http://example.com/x"), dspace::UsageError);
}

TEST_CASE("object keys are relative paths of safe parts", "[storage]") {
    CHECK_NOTHROW(dspace::validate_object_key("packs/ab12.pack"));
    CHECK_NOTHROW(dspace::validate_object_key("snapshots/db/s-1_2/manifest.json"));
    for (const char *bad : {"", "/abs", "a//b", "a/../b", "./a", "a/", "sp ace", "semi;colon", "q?x=1"})
        CHECK_THROWS_AS(dspace::validate_object_key(bad), dspace::UsageError);
}

TEST_CASE("S3 XML answers: element texts with entities decoded", "[storage]") {
    std::string xml = "<ListBucketResult><Contents><Key>a&amp;b</Key><Size>3</Size></Contents>"
                      "<Contents><Key>c</Key><Size>10</Size></Contents><IsTruncated>false</IsTruncated></ListBucketResult>";
    auto contents = dspace::xml_texts(xml, "Contents");
    REQUIRE(contents.size() == 2);
    CHECK(dspace::xml_text(contents[0], "Key") == "a&b");
    CHECK(dspace::xml_text(contents[1], "Size") == "10");
    CHECK(dspace::xml_text(xml, "NextContinuationToken").empty());
    CHECK(dspace::xml_text("<Error><Code>NoSuchBucket</Code>", "Code") == "NoSuchBucket");
}

TEST_CASE("remotes: added, listed by name, found by default, removed with the default", "[storage][remote]") {
    dspace_test::TempDir dir;
    dspace::Config config(dir.path() / "config.json");
    dspace::add_remote(config, "team", "s3://team-bucket/dspace");
    dspace::add_remote(config, "disk", "file:///srv/dspace");
    auto remotes = dspace::list_remotes(config);
    REQUIRE(remotes.size() == 2);
    CHECK(remotes[0].name == "disk");
    CHECK(remotes[1].url == "s3://team-bucket/dspace");
    CHECK_THROWS_WITH(dspace::add_remote(config, "team", "file:///x"), Contains("already exists"));
    CHECK_THROWS_AS(dspace::add_remote(config, "other", "ftp://x"), dspace::UsageError);
    CHECK_THROWS_AS(dspace::add_remote(config, "../bad", "file:///x"), dspace::UsageError);
    CHECK_THROWS_WITH(dspace::find_remote(config, ""), Contains("no default remote"));
    config.set_checked("storage.default_remote", "team");
    CHECK(dspace::find_remote(config, "").url == "s3://team-bucket/dspace");
    CHECK_THROWS_WITH(dspace::find_remote(config, "tem"), Contains("remote 'tem' does not exist"));
    dspace::remove_remote(config, "team");
    CHECK_FALSE(config.get("storage.default_remote"));
    CHECK(dspace::list_remotes(config).size() == 1);
    CHECK_THROWS_WITH(dspace::remove_remote(config, "team"), Contains("does not exist"));
}
