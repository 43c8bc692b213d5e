// Snapshots restored somewhere other than the space they were taken of: their data holds another
// space's credentials, which the flavour's Rekey capability replaces with the target's.
#pragma once

#include <dspace/core/snapshot_manifest.hpp>
#include <dspace/core/space.hpp>

namespace dspace {

//! True when manifest's data was not made by this very space: another space, or an earlier space of the same name.
bool data_is_foreign(const SnapshotManifest &manifest, const SpaceState &target);
//! The user and database the snapshot's data was made with (format 1 manifests: the defaults dspace used then).
SpaceState data_owner(const SnapshotManifest &manifest);

} // namespace dspace
