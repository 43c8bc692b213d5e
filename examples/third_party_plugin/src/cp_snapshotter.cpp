// A physical snapshotter that copies the data directory with `cp -a --reflink=auto`:
// instant and space-free on copy-on-write file systems (btrfs, XFS, APFS-like), a plain copy elsewhere.
// Built for SDK 1.1: it reports each copy with sdk::ProgressTask, which ends the task on every path out.
#include <dspace/sdk/plugin.hpp>

#include <memory>
#include <string>
#include <vector>

namespace {

namespace sdk = dspace::sdk;

//! Copies the contents of from into to (which must exist) with cp, preserving owners, modes and times.
sdk::Status copy_tree(sdk::Host &host, const std::string &from, const std::string &to) {
    sdk::ProgressTask task(host.progress(), "cp: copying " + from, 0); // 0: the total is not known
    sdk::Command cp;
    cp.argv = {"cp", "-a", "--reflink=auto", "--", from + "/.", to};
    auto ran = host.processes().run(cp);
    if (!ran) return ran.status();
    if (!ran->succeeded())
        return sdk::Status::failure("cp could not copy " + from + " to " + to + ": " + ran->err,
                                    "check free space and permissions on both directories");
    return {};
}

class CpSnapshotter final : public sdk::Snapshotter {
public:
    std::string name() const override { return "cp"; }
    std::string description() const override { return "copies the data directory with cp --reflink=auto (example plugin)"; }
    std::vector<sdk::ToolProbe> probe(sdk::Host &host) override {
        return {sdk::probe_tool(host, "cp", "install GNU coreutils")};
    }
    sdk::SnapshotMethod method() const override { return sdk::SnapshotMethod::physical; }
    sdk::Status snapshot(sdk::Host &host, const sdk::SnapshotJob &job) override {
        host.logger().log(sdk::LogLevel::info, "cp: copying " + job.server.data_dir);
        return copy_tree(host, job.server.data_dir, job.payload_dir);
    }
    sdk::Status restore(sdk::Host &host, const sdk::RestoreJob &job) override {
        host.logger().log(sdk::LogLevel::info, "cp: restoring into " + job.server.data_dir);
        return copy_tree(host, job.payload_dir, job.server.data_dir);
    }
};

void register_cp(sdk::Registrar &registrar) { registrar.add_snapshotter(std::make_unique<CpSnapshotter>()); }

} // namespace

DSPACE_PLUGIN(cp, CP_PLUGIN_VERSION, DSPACE_KIND_SNAPSHOTTER, register_cp)
