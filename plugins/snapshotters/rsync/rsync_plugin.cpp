// The rsync snapshotter: `rsync -a` of the stopped (or frozen) data directory into the payload.
// Incremental: --link-dest hard-links files unchanged since the previous snapshot, which is safe
// because snapshot files are immutable; restore always copies out, never links, so a live data
// file is never shared with a snapshot.
#include "copy_progress.hpp"

#include <dspace/sdk/plugin.hpp>

namespace sdk = dspace::sdk;

namespace {

constexpr const char *install_hint = "apt-get install rsync";

class RsyncSnapshotter final : public sdk::Snapshotter {
public:
    std::string name() const override { return "rsync"; }
    std::string description() const override { return "physical copy with rsync; unchanged files shared with the previous snapshot"; }
    std::vector<sdk::ToolProbe> probe(sdk::Host &host) override { return {sdk::probe_tool(host, "rsync", install_hint)}; }
    sdk::SnapshotMethod method() const override { return sdk::SnapshotMethod::physical; }

    sdk::Status snapshot(sdk::Host &host, const sdk::SnapshotJob &job) override {
        std::vector<std::string> extra;
        if (!job.previous_payload_dir.empty()) extra.push_back("--link-dest=" + job.previous_payload_dir);
        return sync(host, job.server.data_dir, job.payload_dir, extra, "snapshot of space '" + job.server.space + "'");
    }

    sdk::Status restore(sdk::Host &host, const sdk::RestoreJob &job) override {
        return sync(host, job.payload_dir, job.server.data_dir, {}, "restore into space '" + job.server.space + "'");
    }

private:
    //! Mirrors the tree from into to: modes, times, owners (numeric), links and sparse files kept.
    static sdk::Status sync(sdk::Host &host, const std::string &from, const std::string &to, const std::vector<std::string> &extra,
                            const std::string &what) {
        std::string rsync = host.processes().find_program("rsync", {});
        if (rsync.empty()) return sdk::Status::failure("the rsync program is not installed, so the " + what + " cannot be made", install_hint);
        sdk::Command command;
        // --modify-window=-1: compare modification times to the nanosecond, so a file rewritten within
        // the same second is never mistaken for the previous snapshot's copy.
        command.argv = {rsync, "-a", "--delete", "--numeric-ids", "--sparse", "--modify-window=-1"};
        command.argv.insert(command.argv.end(), extra.begin(), extra.end());
        command.argv.push_back(from + "/");
        command.argv.push_back(to + "/");
        sdk::Result<sdk::ProcessResult> ran = sdk::Status::failure("rsync did not run");
        {
            dspace::rsync::CopyProgress progress(host.progress(), what, from, to);
            ran = host.processes().run(command);
        }
        if (!ran) return ran.status();
        if (!ran->succeeded()) {
            std::string err = ran->err.substr(0, ran->err.find('\n'));
            bool full = ran->err.find("No space left") != std::string::npos;
            return sdk::Status::failure("rsync failed during the " + what + ": " + err,
                                        full ? "free some disk space and try again" : "run again with -v for rsync's full output");
        }
        return {};
    }
};

void register_rsync(sdk::Registrar &registrar) { registrar.add_snapshotter(std::make_unique<RsyncSnapshotter>()); }

} // namespace

DSPACE_PLUGIN(rsync, "0.1.0", DSPACE_KIND_SNAPSHOTTER, register_rsync)
