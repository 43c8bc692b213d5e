// `dspace snapshot ls --remote`: the manifests of a remote's complete snapshots.
#include "transfer_common.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/transfer.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace dspace {

std::vector<SnapshotManifest> TransferService::list_remote(const Remote &remote) {
    transfer::OpenRemote open(host_.paths().home(), remote, false);
    std::vector<SnapshotManifest> manifests;
    for (const auto &object : open.storage->list("snapshots/")) {
        const std::string &key = object.key;
        if (!transfer::snapshot_of_manifest_key(key)) continue;
        try {
            manifests.push_back(manifest_from_json(open.storage->get_bytes(key), "of remote '" + remote.name + "' (" + key + ")"));
        } catch (const Error &e) {
            spdlog::warn("{} ({})", e.what(), e.hint());
        }
    }
    std::stable_sort(manifests.begin(), manifests.end(), [](const auto &a, const auto &b) { return a.created < b.created; });
    return manifests;
}

} // namespace dspace
