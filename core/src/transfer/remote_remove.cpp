// `dspace snapshot rm --remote`: a snapshot leaves a remote, its manifest first (so it is never listed half
// removed), then its payload; the packs it alone used go with the next `dspace remote gc`.
#include "transfer_common.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/transfer.hpp>

namespace dspace {

void TransferService::remove_remote(const Remote &remote, const std::string &space, const std::string &snap) {
    transfer::OpenRemote open(host_.paths().home(), remote, false);
    Storage &storage = *open.storage;
    std::string manifest_key = transfer::manifest_key(space, snap);
    if (!storage.exists(manifest_key))
        throw Error("remote '" + remote.name + "' has no snapshot '" + space + "/" + snap + "'",
                    "`dspace snapshot ls --remote " + remote.name + "` lists its snapshots");
    storage.remove(manifest_key);
    for (const auto &object : storage.list(transfer::snapshot_prefix(space, snap) + "payload/")) storage.remove(object.key);
}

} // namespace dspace
