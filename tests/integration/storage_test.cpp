// Storage drivers against real destinations: a local directory (file://) and a real S3-compatible server
// (s3rver), cross-checked with an independent client (awscli) when it is installed.
#include "support/s3_server.hpp"
#include "support/temp_dir.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/process.hpp>
#include <dspace/core/storage.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <iostream>
#include <random>

using dspace_test::S3Server;
using dspace_test::TempDir;

namespace {

constexpr std::size_t large_size = 20u << 20; //!< above S3Storage's 8 MiB part size: a 3-part upload

//! size pseudo-random bytes (seeded: the same every run).
std::string random_bytes(std::size_t size, unsigned seed) {
    std::mt19937 random(seed);
    std::string bytes(size, '\0');
    for (auto &c : bytes) c = static_cast<char>(random());
    return bytes;
}

//! What every driver must do: atomic puts of bytes and files (a file above the multipart size too), heads,
//! sorted prefix listings, gets to bytes and files, removal.
void exercise(dspace::Storage &storage, const std::filesystem::path &scratch) {
    std::string small = random_bytes(1000, 1);
    std::string large = random_bytes(large_size, 2);
    dspace::fs::write_file_atomic(scratch / "large.in", large);
    CHECK_FALSE(storage.exists("packs/aa.pack"));
    storage.put_bytes("snapshots/db/s1/manifest.json", small);
    storage.put_file("packs/bb.pack", scratch / "large.in");
    storage.put_bytes("packs/aa.pack", "");
    CHECK(storage.head("snapshots/db/s1/manifest.json") == small.size());
    CHECK(storage.head("packs/bb.pack") == large.size());
    CHECK(storage.head("packs/aa.pack") == 0u);
    auto packs = storage.list("packs/");
    REQUIRE(packs.size() == 2);
    CHECK(packs[0].key == "packs/aa.pack");
    CHECK(packs[1].key == "packs/bb.pack");
    CHECK(packs[1].size_bytes == large.size());
    CHECK(storage.list("").size() == 3);
    CHECK(storage.get_bytes("snapshots/db/s1/manifest.json") == small);
    storage.get_file("packs/bb.pack", scratch / "large.out");
    CHECK(dspace::fs::read_file(scratch / "large.out") == large);
    storage.remove("packs/aa.pack");
    CHECK_FALSE(storage.exists("packs/aa.pack"));
    storage.remove("packs/aa.pack"); // removing what is gone is no error
    CHECK_THROWS_AS(storage.get_bytes("packs/aa.pack"), dspace::Error);
    CHECK_THROWS_AS(storage.put_bytes("../escape", "x"), dspace::UsageError);
    CHECK_THROWS_AS(storage.head("packs/../../x"), dspace::UsageError);
}

//! Runs the aws program (awscli) against the server; "" with a printed reason when awscli is missing.
dspace::sdk::ProcessResult aws(const S3Server &server, std::vector<std::string> args) {
    dspace::ProcessRunnerImpl runner(nullptr);
    dspace::sdk::Command command;
    command.argv = {"aws", "--endpoint-url", server.endpoint()};
    command.argv.insert(command.argv.end(), args.begin(), args.end());
    command.timeout = std::chrono::seconds(60);
    auto result = runner.run(command);
    REQUIRE(result.ok());
    return result.value();
}

bool have_awscli() {
    dspace::ProcessRunnerImpl runner(nullptr);
    return !runner.find_program("aws", {}).empty();
}

} // namespace

TEST_CASE("file:// storage puts atomically, lists, gets and removes objects", "[storage]") {
    TempDir destination("dspace-dest-"), scratch;
    auto storage = dspace::open_storage("file://" + destination.path().string());
    exercise(*storage, scratch.path());
    CHECK(std::filesystem::exists(destination.path() / "packs" / "bb.pack"));
}

TEST_CASE("s3:// storage works against a real S3 server, path-style and virtual-host style", "[storage][s3]") {
    if (dspace_test::s3rver_program().empty()) {
        std::cout << "skipped: s3rver is not installed (scripts/bootstrap installs it: npm install -g s3rver@3.7.1)\n";
        return;
    }
    S3Server server;
    TempDir scratch;
    SECTION("path style, cross-checked with awscli") {
        auto storage = dspace::open_storage("s3://" + server.bucket() + "/team/db");
        exercise(*storage, scratch.path());
        if (!have_awscli()) {
            std::cout << "skipped the awscli cross-check: aws is not installed (Debian package awscli)\n";
            return;
        }
        auto listed = aws(server, {"s3api", "list-objects-v2", "--bucket", server.bucket(), "--prefix", "team/db/", "--query",
                                   "Contents[].[Key,Size]", "--output", "text"});
        REQUIRE(listed.exit_code == 0);
        CHECK(listed.out == "team/db/packs/bb.pack\t" + std::to_string(large_size) +
                                "\nteam/db/snapshots/db/s1/manifest.json\t1000\n");
        auto got = aws(server, {"s3api", "get-object", "--bucket", server.bucket(), "--key", "team/db/packs/bb.pack",
                                (scratch.path() / "by-aws").string()});
        REQUIRE(got.exit_code == 0);
        CHECK(dspace::fs::read_file(scratch.path() / "by-aws") == random_bytes(large_size, 2));
    }
    SECTION("virtual-host style") {
        // s3rver (--service-endpoint localhost) takes BUCKET.s3.localhost as virtual-host style; curl resolves *.localhost itself
        ::setenv("AWS_ENDPOINT_URL", ("http://s3.localhost:" + std::to_string(server.port())).c_str(), 1);
        ::setenv("DSPACE_S3_ADDRESSING_STYLE", "virtual", 1);
        auto storage = dspace::open_storage("s3://" + server.bucket());
        exercise(*storage, scratch.path());
    }
}

TEST_CASE("s3:// storage explains wrong credentials, a missing bucket and an endpoint that is down", "[storage][s3]") {
    if (dspace_test::s3rver_program().empty()) {
        std::cout << "skipped: s3rver is not installed (scripts/bootstrap installs it: npm install -g s3rver@3.7.1)\n";
        return;
    }
    S3Server server;
    auto message_of = [](const std::function<void()> &action) {
        try {
            action();
        } catch (const dspace::Error &e) {
            return std::string(e.what()) + " | " + e.hint();
        }
        return std::string("no error");
    };
    SECTION("wrong credentials") {
        ::setenv("AWS_ACCESS_KEY_ID", "NO-SUCH-KEY", 1); // s3rver checks key ids, not SigV4 signatures
        ::setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret", 1);
        auto storage = dspace::open_storage("s3://" + server.bucket());
        std::string message = message_of([&] { storage->put_bytes("x", "y"); });
        CHECK(message.find("InvalidAccessKeyId") != std::string::npos);
        CHECK(message.find("AWS_SECRET_ACCESS_KEY") != std::string::npos);
        CHECK(message.find("wrong-secret") == std::string::npos); // never shown
    }
    SECTION("missing bucket") {
        auto storage = dspace::open_storage("s3://no-such-bucket");
        CHECK(message_of([&] { storage->list(""); }).find("bucket 'no-such-bucket' does not exist") != std::string::npos);
        CHECK(message_of([&] { (void)storage->exists("x"); }).find("bucket 'no-such-bucket' does not exist") != std::string::npos);
    }
    SECTION("endpoint down") {
        server.stop();
        auto storage = dspace::open_storage("s3://" + server.bucket());
        std::string message = message_of([&] { storage->put_bytes("x", "y"); });
        CHECK(message.find("cannot reach the S3 endpoint " + server.endpoint()) != std::string::npos);
        CHECK(message.find("after 4 attempts") != std::string::npos);
    }
    SECTION("no credentials at all") {
        ::unsetenv("AWS_ACCESS_KEY_ID");
        ::setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", 1);
        CHECK(message_of([&] { dspace::open_storage("s3://" + server.bucket()); }).find("no S3 credentials") != std::string::npos);
        ::unsetenv("AWS_SHARED_CREDENTIALS_FILE");
    }
}

TEST_CASE("s3:// credentials come from a named profile in the shared credentials file", "[storage][s3]") {
    if (dspace_test::s3rver_program().empty()) {
        std::cout << "skipped: s3rver is not installed (scripts/bootstrap installs it: npm install -g s3rver@3.7.1)\n";
        return;
    }
    S3Server server;
    TempDir dir;
    dspace::fs::write_file_atomic(dir.path() / "credentials",
                                  "[default]\naws_access_key_id = WRONG\naws_secret_access_key = WRONG\n\n"
                                  "[team]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n");
    ::unsetenv("AWS_ACCESS_KEY_ID");
    ::unsetenv("AWS_SECRET_ACCESS_KEY");
    ::setenv("AWS_SHARED_CREDENTIALS_FILE", (dir.path() / "credentials").c_str(), 1);
    ::setenv("AWS_PROFILE", "team", 1);
    auto storage = dspace::open_storage("s3://" + server.bucket());
    storage->put_bytes("from-profile", "ok");
    CHECK(storage->get_bytes("from-profile") == "ok");
    ::unsetenv("AWS_PROFILE");
    ::unsetenv("AWS_SHARED_CREDENTIALS_FILE");
}
