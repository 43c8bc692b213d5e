// The parts of a destination URL (internal to core/src/storage).
#pragma once

#include <dspace/core/storage.hpp>

#include <string>

namespace dspace {

//! The kinds of destination.
enum class StorageScheme { file, s3 };

//! A destination URL taken apart.
struct ParsedStorageUrl {
    StorageScheme scheme = StorageScheme::file; //!< file:// or s3://
    std::string location;                       //!< the absolute directory, or the bucket
    std::string prefix;                         //!< s3: the key prefix inside the bucket (no trailing '/')
};

//! Takes a destination URL apart; throws UsageError naming what is wrong.
ParsedStorageUrl parse_storage_url(const std::string &url);

} // namespace dspace
