#include "foreign_data.hpp"

namespace dspace {

bool data_is_foreign(const SnapshotManifest &manifest, const SpaceState &target) {
    return manifest.source_space != target.name || manifest.space_created.empty() || manifest.space_created != target.created;
}

SpaceState data_owner(const SnapshotManifest &manifest) {
    SpaceState owner;
    owner.name = manifest.source_space;
    owner.flavour = manifest.flavour;
    owner.version = manifest.server_version;
    owner.user = manifest.space_user.empty() ? "dspace" : manifest.space_user;
    owner.database = manifest.space_database.empty() ? manifest.source_space : manifest.space_database;
    return owner;
}

} // namespace dspace
