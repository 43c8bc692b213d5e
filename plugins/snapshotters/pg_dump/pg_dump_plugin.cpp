// The pg_dump snapshotter: the generic logical snapshotter. One dump per user database,
// payload/<database>.dump, made and loaded by the commands of the flavour's LogicalDump capability
// (pg_dump/pg_restore, mariadb-dump/mariadb), so it works for every flavour that has one; the host
// refuses it for flavours without (job.logical_dump is then null).
#include <dspace/sdk/plugin.hpp>

#include <algorithm>
#include <filesystem>
#include <functional>

namespace sdk = dspace::sdk;

namespace {

constexpr const char *dump_suffix = ".dump";

//! Runs command; a failure names what and shows the program's first error line.
sdk::Status run(sdk::Host &host, const sdk::Command &command, const std::string &what) {
    auto ran = host.processes().run(command);
    if (!ran) return ran.status();
    if (ran->succeeded()) return {};
    std::string err = ran->err.substr(0, ran->err.find('\n'));
    bool full = ran->err.find("No space left") != std::string::npos;
    return sdk::Status::failure(what + " failed: " + err, full ? "free some disk space and try again" : "run again with -v for the full output");
}

//! Runs command_for(database, file) for each database and its dump file in payload_dir, one progress step each;
//! step ("dump", "restore") names a failure.
sdk::Status for_each_dump(sdk::Host &host, const std::string &title, const std::vector<std::string> &databases,
                          const std::string &payload_dir, const std::string &step,
                          const std::function<sdk::Command(const std::string &database, const std::string &file)> &command_for) {
    host.progress().begin(title, databases.size());
    for (const auto &database : databases) {
        std::string file = payload_dir + "/" + database + dump_suffix;
        auto status = run(host, command_for(database, file), "the " + step + " of database '" + database + "'");
        if (!status) return status;
        host.progress().advance(1);
    }
    host.progress().end();
    return {};
}

//! The failure when the space's flavour has no LogicalDump (the host checks first; this guards other hosts).
sdk::Status no_logical_dump(const sdk::Server &server) {
    return sdk::Status::failure("the flavour of space '" + server.space + "' has no logical dumps", "use a physical snapshotter such as rsync");
}

class PgDumpSnapshotter final : public sdk::Snapshotter {
public:
    std::string name() const override { return "pg_dump"; }
    std::string description() const override { return "logical dump of each database through the flavour's dump tool"; }
    std::vector<sdk::ToolProbe> probe(sdk::Host &) override { return {}; }
    sdk::SnapshotMethod method() const override { return sdk::SnapshotMethod::logical; }

    sdk::Status snapshot(sdk::Host &host, const sdk::SnapshotJob &job) override {
        if (job.logical_dump == nullptr) return no_logical_dump(job.server);
        auto databases = job.logical_dump->list_databases(host, job.server);
        if (!databases) return databases.status();
        return for_each_dump(host, "dumping space '" + job.server.space + "'", *databases, job.payload_dir, "dump",
                             [&](const std::string &database, const std::string &file) {
                                 return job.logical_dump->dump_command(job.server, database, file);
                             });
    }

    sdk::Status restore(sdk::Host &host, const sdk::RestoreJob &job) override {
        if (job.logical_dump == nullptr) return no_logical_dump(job.server);
        std::vector<std::string> databases;
        std::error_code ec;
        for (const auto &entry : std::filesystem::directory_iterator(job.payload_dir, ec))
            if (entry.path().extension() == dump_suffix) databases.push_back(entry.path().stem().string());
        if (ec) return sdk::Status::failure("cannot read the snapshot payload " + job.payload_dir + ": " + ec.message());
        std::sort(databases.begin(), databases.end());
        return for_each_dump(host, "restoring space '" + job.server.space + "'", databases, job.payload_dir, "restore",
                             [&](const std::string &database, const std::string &file) {
                                 return job.logical_dump->restore_command(job.server, database, file);
                             });
    }
};

void register_pg_dump(sdk::Registrar &registrar) { registrar.add_snapshotter(std::make_unique<PgDumpSnapshotter>()); }

} // namespace

DSPACE_PLUGIN(pg_dump, "0.2.0", DSPACE_KIND_SNAPSHOTTER, register_pg_dump)
