// The core services the snapshot, rollback and copy verbs work with, built from one Context.
#pragma once

#include <dspace/core/context.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/snapshot.hpp>
#include <dspace/core/space.hpp>

#include "space_common.hpp"

namespace dspace::cli {

//! A SpaceManager and a SnapshotService over the context's home and plugins.
struct SnapshotServices {
    //! Makes sure the home exists (unless access is read_only) and finishes what an interrupted create or copy left (open_spaces).
    explicit SnapshotServices(Context &context, Access access = Access::changes)
        : spaces(open_spaces(context, access)), snapshots(context.host(), context.plugins(), spaces) {}
    SpaceManager spaces;        //!< the spaces
    SnapshotService snapshots;  //!< their snapshots
};

//! `dspace create NAME --from-snapshot SPACE/SNAP`: the new space made from that snapshot.
inline SpaceState create_from_snapshot(Context &context, SpaceManager &spaces, const CreateOptions &options, const std::string &from) {
    auto slash = from.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == from.size())
        throw UsageError("--from-snapshot takes SPACE/SNAP, not '" + from + "'", "`dspace snapshot ls` lists the snapshots");
    SnapshotService snapshots(context.host(), context.plugins(), spaces);
    return snapshots.create_from_snapshot(options, from.substr(0, slash), from.substr(slash + 1));
}

} // namespace dspace::cli
