// Object keys and destination URLs: what open_storage accepts, checked before anything is contacted.
#include "storage_url.hpp"

#include <dspace/core/error.hpp>

namespace dspace {

namespace {

const char *const url_hint = "write file:///absolute/path or s3://bucket/prefix";

bool is_key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

} // namespace

void validate_object_key(std::string_view key) {
    std::size_t start = 0;
    while (true) {
        std::size_t slash = key.find('/', start);
        std::string_view part = key.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        bool ok = !part.empty() && part != "." && part != "..";
        for (char c : part) ok = ok && is_key_char(c);
        if (!ok)
            throw UsageError("invalid object key '" + std::string(key) + "'",
                             "object keys are relative paths of parts made of letters, digits, '.', '_' and '-'");
        if (slash == std::string_view::npos) return;
        start = slash + 1;
    }
}

ParsedStorageUrl parse_storage_url(const std::string &url) {
    ParsedStorageUrl parsed;
    if (url.rfind("file://", 0) == 0) {
        parsed.scheme = StorageScheme::file;
        parsed.location = url.substr(7);
        if (parsed.location.empty() || parsed.location.front() != '/')
            throw UsageError("destination '" + url + "' is not an absolute file:// URL", url_hint);
        return parsed;
    }
    if (url.rfind("s3://", 0) == 0) {
        parsed.scheme = StorageScheme::s3;
        std::string rest = url.substr(5);
        std::size_t slash = rest.find('/');
        parsed.location = rest.substr(0, slash);
        std::string prefix = slash == std::string::npos ? "" : rest.substr(slash + 1);
        while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
        bool bucket_ok = parsed.location.size() >= 3 && parsed.location.size() <= 63;
        for (char c : parsed.location) bucket_ok = bucket_ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.');
        if (!bucket_ok)
            throw UsageError("destination '" + url + "' does not name a valid bucket",
                             "bucket names have 3 to 63 lower-case letters, digits, '-' and '.'; " + std::string(url_hint));
        if (!prefix.empty()) validate_object_key(prefix);
        parsed.prefix = prefix;
        return parsed;
    }
    throw UsageError("destination '" + url + "' is neither file:// nor s3://", url_hint);
}

void validate_storage_url(const std::string &url) { (void)parse_storage_url(url); }

ObjectUrl split_object_url(const std::string &url, const std::string &option) {
    auto slash = url.rfind('/');
    if (url.rfind("s3://", 0) != 0 || slash < 5 || url.find('/', 5) == std::string::npos || slash + 1 == url.size())
        throw UsageError(option + " " + url + " names no object", "name the file in the bucket, e.g. s3://bucket/exports/app.tar");
    ObjectUrl object{url.substr(0, slash), url.substr(slash + 1)};
    validate_storage_url(object.storage_url);
    validate_object_key(object.key);
    return object;
}

} // namespace dspace
