// The core services the snapshot, rollback and copy verbs work with, built from one Context.
#pragma once

#include <dspace/core/context.hpp>
#include <dspace/core/snapshot.hpp>
#include <dspace/core/space.hpp>

namespace dspace::cli {

//! A SpaceManager and a SnapshotService over the context's home and plugins.
struct SnapshotServices {
    //! Makes sure the home exists and finishes what an interrupted create or copy left.
    explicit SnapshotServices(Context &context)
        : spaces((context.ensure_home(), context.host()), context.plugins()), snapshots(context.host(), context.plugins(), spaces) {
        spaces.recover_leftovers();
    }
    SpaceManager spaces;        //!< the spaces
    SnapshotService snapshots;  //!< their snapshots
};

} // namespace dspace::cli
