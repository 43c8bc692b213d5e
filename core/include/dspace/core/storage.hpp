// Storage destinations behind one interface (pgBackRest style): objects named by relative keys
// ("packs/ab12.pack"), stored in a local directory (file:///path) or an S3-compatible bucket (s3://bucket/prefix).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dspace {

//! One stored object as a listing reports it.
struct StoredObject {
    std::string key;          //!< relative to the destination's root
    std::uint64_t size_bytes; //!< its size
    std::int64_t modified_unix = 0; //!< when it was last written, in seconds since the epoch (0: unknown)
};

//! A place objects are put to and got from. Puts are atomic: an object is either absent or complete.
class Storage {
public:
    virtual ~Storage() = default;
    //! The destination as the user wrote it (no credentials are ever part of it).
    virtual std::string url() const = 0;
    //! Stores the content of file as key (replacing it).
    virtual void put_file(const std::string &key, const std::filesystem::path &file) = 0;
    //! Stores bytes as key (replacing it).
    virtual void put_bytes(const std::string &key, std::string_view bytes) = 0;
    //! Writes object key to file atomically (temp file beside it, then rename); throws Error when absent.
    virtual void get_file(const std::string &key, const std::filesystem::path &file) = 0;
    //! The content of object key; throws Error when absent.
    virtual std::string get_bytes(const std::string &key) = 0;
    //! The size of object key, or nothing when it does not exist.
    virtual std::optional<std::uint64_t> head(const std::string &key) = 0;
    //! True when object key exists.
    bool exists(const std::string &key) { return head(key).has_value(); }
    //! Every object whose key starts with prefix, sorted by key.
    virtual std::vector<StoredObject> list(const std::string &prefix) = 0;
    //! Temporary objects that killed puts left behind (never listed by list; remove takes their keys). Only
    //! file:// has them: an interrupted S3 upload is never an object.
    virtual std::vector<StoredObject> list_leftovers() { return {}; }
    //! Removes object key (no error when it is absent).
    virtual void remove(const std::string &key) = 0;
};

//! Throws UsageError unless key is a relative object key of parts made of [A-Za-z0-9._-] (no "." or "..").
void validate_object_key(std::string_view key);

//! Opens the destination a URL names: file:///absolute/path or s3://bucket[/prefix]. S3 settings come from the
//! environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_ENDPOINT_URL,
//! AWS_PROFILE with ~/.aws/credentials). Throws UsageError for a URL of another form.
std::unique_ptr<Storage> open_storage(const std::string &url);

//! Throws UsageError unless url has a form open_storage accepts (nothing is contacted).
void validate_storage_url(const std::string &url);

//! One object named by a URL: the destination holding it and its key there.
struct ObjectUrl {
    std::string storage_url; //!< e.g. s3://bucket/exports
    std::string key;         //!< e.g. app.tar
};

//! Splits s3://bucket[/prefix]/FILE into its destination and key; throws UsageError (naming option) when the URL
//! names no object.
ObjectUrl split_object_url(const std::string &url, const std::string &option);

} // namespace dspace
