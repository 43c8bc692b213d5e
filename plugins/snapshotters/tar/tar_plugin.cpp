// The tar snapshotter: the data directory as one zstd-compressed tar archive, payload/data.tar.zst.
#include "tar_archive.hpp"

#include <dspace/sdk/plugin.hpp>

namespace sdk = dspace::sdk;

namespace {

constexpr const char *archive_name = "/data.tar.zst";

class TarSnapshotter final : public sdk::Snapshotter {
public:
    std::string name() const override { return "tar"; }
    std::string description() const override { return "physical copy as one zstd-compressed tar archive (portable)"; }
    std::vector<sdk::ToolProbe> probe(sdk::Host &) override { return {}; }
    sdk::SnapshotMethod method() const override { return sdk::SnapshotMethod::physical; }

    sdk::Status snapshot(sdk::Host &host, const sdk::SnapshotJob &job) override {
        return dspace::tar::write_archive(host.progress(), job.server.data_dir, job.payload_dir + archive_name);
    }

    sdk::Status restore(sdk::Host &host, const sdk::RestoreJob &job) override {
        return dspace::tar::extract_archive(host.progress(), job.payload_dir + archive_name, job.server.data_dir, host.running_as_root());
    }
};

void register_tar(sdk::Registrar &registrar) { registrar.add_snapshotter(std::make_unique<TarSnapshotter>()); }

} // namespace

DSPACE_PLUGIN(tar, "0.1.0", DSPACE_KIND_SNAPSHOTTER, register_tar)
