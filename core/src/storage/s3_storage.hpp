// s3://bucket/prefix destinations over libcurl with AWS SigV4 (internal to core/src/storage).
#pragma once

#include "s3_settings.hpp"

#include <dspace/core/storage.hpp>

#include <map>

namespace dspace {

//! What an S3 request got back.
struct S3Response {
    long status = 0;                            //!< the HTTP status
    std::string body;                           //!< the body (not for downloads to a file)
    std::map<std::string, std::string> headers; //!< response headers, names in lower case
};

//! Objects in an S3-compatible bucket. Bodies are signed whole (x-amz-content-sha256, never aws-chunked);
//! objects above the part size go up as multipart uploads; 5xx and connection failures are retried with backoff.
class S3Storage final : public Storage {
public:
    //! url as the user wrote it; settings: where and as whom.
    S3Storage(std::string url, S3Settings settings);
    std::string url() const override { return url_; }
    void put_file(const std::string &key, const std::filesystem::path &file) override;
    void put_bytes(const std::string &key, std::string_view bytes) override;
    void get_file(const std::string &key, const std::filesystem::path &file) override;
    std::string get_bytes(const std::string &key) override;
    std::optional<std::uint64_t> head(const std::string &key) override;
    std::vector<StoredObject> list(const std::string &prefix) override;
    void remove(const std::string &key) override;

    //! Objects larger than this go up in parts of this size (8 MiB; S3 needs at least 5 MiB).
    static constexpr std::uint64_t part_size = 8ull << 20;

private:
    //! One request with retries: method on the object key (empty: the bucket), query as "a=1&b=2" (sorted, encoded),
    //! body signed whole; with download, a 2xx body goes to that file. Throws Error for what retries cannot fix.
    S3Response request(const std::string &method, const std::string &object, const std::string &query, std::string_view body,
                       const std::filesystem::path *download = nullptr);
    //! One attempt of request(); curl_error is set when no HTTP response came.
    S3Response attempt(const std::string &method, const std::string &object, const std::string &query, std::string_view body,
                       const std::filesystem::path *download, std::string &curl_error);
    //! Throws Error explaining a failed response to method on object.
    [[noreturn]] void fail(const std::string &method, const std::string &object, const S3Response &response) const;
    //! Multipart upload of file (size bytes) to the object.
    void put_multipart(const std::string &object, const std::filesystem::path &file, std::uint64_t size);
    //! The object name in the bucket for key (prefix + key).
    std::string object_of(const std::string &key) const;
    std::string url_;
    S3Settings settings_;
};

} // namespace dspace
