// The one place a destination URL becomes a driver.
#include "posix_storage.hpp"
#include "s3_storage.hpp"
#include "storage_url.hpp"

namespace dspace {

std::unique_ptr<Storage> open_storage(const std::string &url) {
    ParsedStorageUrl parsed = parse_storage_url(url);
    if (parsed.scheme == StorageScheme::file) return std::make_unique<PosixStorage>(url, parsed.location);
    return std::make_unique<S3Storage>(url, s3_settings_from_environment(parsed.location, parsed.prefix));
}

} // namespace dspace
