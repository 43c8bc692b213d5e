// `dspace snapshot rm --remote`: a snapshot leaves a remote, its manifest first (so it is never listed half
// removed), then its payload; the packs it alone used go with the next `dspace remote gc`.
#include "transfer_common.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/transfer.hpp>

namespace dspace {

void TransferService::remove_remote(const Remote &remote, const std::string &space, const std::string &snap) {
    transfer::OpenRemote open(host_.paths().home(), remote, false);
    Storage &storage = *open.storage;
    std::string manifest_key = transfer::existing_manifest_key(storage, remote, space, snap);
    storage.remove(manifest_key);
    for (const auto &object : storage.list(transfer::snapshot_prefix(space, snap) + "payload/")) storage.remove(object.key);
}

} // namespace dspace
