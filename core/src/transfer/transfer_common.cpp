#include "transfer_common.hpp"

#include <dspace/core/error.hpp>

namespace dspace::transfer {

OpenRemote::OpenRemote(const std::filesystem::path &home, const Remote &remote_, bool create)
    : remote(remote_), state_dir(remote_state_dir(home, remote_)),
      lock(state_dir / "lock", "remote '" + remote_.name + "' (another push or pull uses it)", std::chrono::minutes(10)),
      storage(open_storage(remote_.url)) {
    check_layout(*storage, remote, create);
}

sdk::BlockTransfer &block_transfer_of(PluginHost &plugins, const std::string &snapshotter, const std::string &what) {
    if (auto *transfer = plugins.capability<sdk::BlockTransfer>(snapshotter)) return *transfer;
    throw Error(what + " was taken by snapshotter '" + snapshotter + "', whose snapshots cannot be pushed or pulled",
                "take one with `dspace snapshot NAME SNAP --snapshotter blocks` and push that");
}

void check(const sdk::Status &status) {
    if (!status.ok()) throw Error(status.message(), status.hint());
}

} // namespace dspace::transfer
