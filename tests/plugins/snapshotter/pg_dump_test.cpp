// The pg_dump snapshotter loaded from its built file (its round trip needs a server: see tests/integration).
#include "snapshotter_fixture.hpp"

#include <dspace/sdk/flavour_capabilities.hpp>

using namespace snapshotter_test;

TEST_CASE("pg_dump snapshotter: loads and is logical") {
    LoadedSnapshotter loaded("pg_dump");
    CHECK(loaded.snapshotter->method() == dspace::sdk::SnapshotMethod::logical);
    CHECK_FALSE(loaded.snapshotter->description().empty());
}

namespace {

//! A LogicalDump whose "dump" copies a fixed file and whose "restore" compares with it (no server needed).
class FileCopyDump final : public dspace::sdk::LogicalDump {
public:
    explicit FileCopyDump(std::string source) : source_(std::move(source)) {}
    dspace::sdk::Result<std::vector<std::string>> list_databases(dspace::sdk::Host &, const dspace::sdk::Server &) override {
        return std::vector<std::string>{"alpha", "beta"};
    }
    dspace::sdk::Command dump_command(const dspace::sdk::Server &, std::string_view, std::string_view out_file) const override {
        dspace::sdk::Command command;
        command.argv = {"cp", source_, std::string(out_file)};
        return command;
    }
    dspace::sdk::Command restore_command(const dspace::sdk::Server &, std::string_view, std::string_view in_file) const override {
        dspace::sdk::Command command;
        command.argv = {"cmp", source_, std::string(in_file)};
        return command;
    }

private:
    std::string source_;
};

} // namespace

TEST_CASE("pg_dump snapshotter: dumps and restores through the job's LogicalDump, and refuses without one") {
    LoadedSnapshotter loaded("pg_dump");
    TempDir work;
    const stdfs::path source = work.path() / "source.sql", payload = work.path() / "payload";
    std::ofstream(source) << "create table t();\n";
    stdfs::create_directories(payload);
    FileCopyDump dump(source.string());

    dspace::sdk::SnapshotJob job;
    job.server.space = "test";
    job.payload_dir = payload.string();
    auto refused = loaded.snapshotter->snapshot(loaded.host, job);
    CHECK_FALSE(refused.ok());
    CHECK_THAT(refused.message(), Catch::Matchers::Contains("no logical dumps"));

    job.logical_dump = &dump;
    auto taken = loaded.snapshotter->snapshot(loaded.host, job);
    INFO(taken.message());
    REQUIRE(taken.ok());
    CHECK(stdfs::exists(payload / "alpha.dump"));
    CHECK(stdfs::exists(payload / "beta.dump"));

    dspace::sdk::RestoreJob restore;
    restore.server.space = "test";
    restore.payload_dir = payload.string();
    restore.logical_dump = &dump;
    auto restored = loaded.snapshotter->restore(loaded.host, restore);
    INFO(restored.message());
    CHECK(restored.ok());
}
