// Where and as whom S3 requests go, from the environment or ~/.aws/credentials (internal to core/src/storage).
#pragma once

#include <string>

namespace dspace {

//! Everything an S3 request needs besides the object. Never written to dspace's files or logs.
struct S3Settings {
    std::string bucket;        //!< the bucket
    std::string prefix;        //!< key prefix inside it, no trailing '/' (may be empty)
    std::string region;        //!< AWS_REGION, AWS_DEFAULT_REGION, else us-east-1
    std::string endpoint;      //!< scheme://host[:port] (AWS_ENDPOINT_URL, else https://s3.REGION.amazonaws.com)
    bool path_style = false;   //!< bucket in the path (custom endpoints) instead of the host name (AWS)
    std::string access_key;    //!< AWS_ACCESS_KEY_ID or the profile's aws_access_key_id
    std::string secret_key;    //!< AWS_SECRET_ACCESS_KEY or the profile's aws_secret_access_key
    std::string session_token; //!< AWS_SESSION_TOKEN or the profile's aws_session_token (may be empty)
};

//! Settings for bucket/prefix from the environment: the AWS_* variables; without AWS_ACCESS_KEY_ID, credentials come from
//! the profile AWS_PROFILE names (default "default") in AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials.
//! DSPACE_S3_ADDRESSING_STYLE=path|virtual overrides the addressing (default: path for AWS_ENDPOINT_URL).
//! Throws Error when no credentials are found.
S3Settings s3_settings_from_environment(const std::string &bucket, const std::string &prefix);

} // namespace dspace
