// S3 requests through libcurl, which signs them (CURLOPT_AWS_SIGV4); dspace hashes each whole body itself.
#include "s3_storage.hpp"

#include "xml_text.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <thread>

namespace dspace {

namespace stdfs = std::filesystem;

namespace {

//! Seconds since the epoch of an S3 LastModified ("2026-12-02T06:56:14.000Z"); 0 when it has another form.
std::int64_t unix_time_of(const std::string &text) {
    std::tm tm{};
    if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return std::int64_t(::timegm(&tm));
}

constexpr int max_attempts = 4;

//! Lower-case hex SHA-256 of bytes (OpenSSL EVP).
std::string sha256_hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw Error("cannot compute SHA-256 (OpenSSL failed)", "check the OpenSSL installation");
    static const char *hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

//! Where a response body goes: a string, or (for a 2xx download) a file.
struct BodySink {
    CURL *curl = nullptr;
    std::string *text = nullptr;
    std::FILE *file = nullptr;
    bool write_failed = false;
};

size_t write_body(char *data, size_t size, size_t count, void *user) {
    auto *sink = static_cast<BodySink *>(user);
    long status = 0;
    curl_easy_getinfo(sink->curl, CURLINFO_RESPONSE_CODE, &status);
    if (sink->file && status / 100 == 2) {
        if (std::fwrite(data, 1, size * count, sink->file) != size * count) {
            sink->write_failed = true;
            return 0;
        }
    } else {
        sink->text->append(data, size * count);
    }
    return size * count;
}

size_t write_header(char *data, size_t size, size_t count, void *user) {
    auto *headers = static_cast<std::map<std::string, std::string> *>(user);
    std::string line(data, size * count);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char &c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        value.erase(value.find_last_not_of(" \t\r\n") + 1);
        (*headers)[name] = value;
    }
    return size * count;
}

std::string escaped(const std::string &text) {
    char *out = curl_easy_escape(nullptr, text.c_str(), static_cast<int>(text.size()));
    std::string result = out ? out : "";
    curl_free(out);
    return result;
}

bool retryable(const S3Response &response, const std::string &curl_error) {
    return !curl_error.empty() || response.status >= 500 || response.status == 429;
}

std::string read_range(std::ifstream &in, const stdfs::path &file, std::uint64_t size) {
    std::string bytes(size, '\0');
    if (!in.read(bytes.data(), static_cast<std::streamsize>(size)))
        throw Error("cannot read " + file.string(), "check that the file is readable and was not changed meanwhile");
    return bytes;
}

} // namespace

S3Storage::S3Storage(std::string url, S3Settings settings) : url_(std::move(url)), settings_(std::move(settings)) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

std::string S3Storage::object_of(const std::string &key) const {
    validate_object_key(key);
    return settings_.prefix.empty() ? key : settings_.prefix + "/" + key;
}

S3Response S3Storage::attempt(const std::string &method, const std::string &object, const std::string &query, std::string_view body,
                              const stdfs::path *download, std::string &curl_error) {
    S3Response response;
    std::unique_ptr<CURL, void (*)(CURL *)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) throw Error("cannot start an HTTP request (libcurl failed)", "check the libcurl installation");
    std::string scheme_end = "://";
    auto host_at = settings_.endpoint.find(scheme_end);
    std::string address = settings_.path_style
                              ? settings_.endpoint + "/" + settings_.bucket + "/" + object
                              : settings_.endpoint.substr(0, host_at + 3) + settings_.bucket + "." + settings_.endpoint.substr(host_at + 3) + "/" + object;
    if (!query.empty()) address += "?" + query;
    CURL *c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, address.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    std::string sigv4 = "aws:amz:" + settings_.region + ":s3";
    curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4.c_str());
    curl_easy_setopt(c, CURLOPT_USERNAME, settings_.access_key.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.secret_key.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    struct curl_slist *raw_headers = nullptr;
    std::string content_hash = "x-amz-content-sha256: " + sha256_hex(body);
    raw_headers = curl_slist_append(raw_headers, content_hash.c_str());
    std::string token = "x-amz-security-token: " + settings_.session_token;
    if (!settings_.session_token.empty()) raw_headers = curl_slist_append(raw_headers, token.c_str());
    raw_headers = curl_slist_append(raw_headers, "Expect:");
    std::unique_ptr<curl_slist, void (*)(curl_slist *)> headers(raw_headers, curl_slist_free_all);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    if (method == "HEAD") {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (method == "GET") {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
        if (method != "DELETE") {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        }
    }
    std::unique_ptr<std::FILE, int (*)(std::FILE *)> file(nullptr, std::fclose);
    stdfs::path temp;
    if (download) {
        temp = download->parent_path() / ("." + download->filename().string() + ".part");
        file.reset(std::fopen(temp.c_str(), "wb"));
        if (!file) throw Error("cannot write " + temp.string(), "check that the directory exists and is writable");
    }
    BodySink sink{c, &response.body, file.get(), false};
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, write_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &response.headers);
    CURLcode code = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    if (sink.write_failed) {
        file.reset();
        std::error_code ec;
        stdfs::remove(temp, ec);
        throw Error("cannot write " + temp.string() + " (disk full?)", "free space on that disk and run the command again");
    }
    curl_error = code == CURLE_OK ? "" : curl_easy_strerror(code);
    if (download) {
        bool complete = code == CURLE_OK && response.status / 100 == 2 && std::fflush(file.get()) == 0 && ::fsync(fileno(file.get())) == 0;
        file.reset();
        if (complete) fs::rename_durable(temp, *download);
        else {
            std::error_code ec;
            stdfs::remove(temp, ec);
        }
    }
    return response;
}

S3Response S3Storage::request(const std::string &method, const std::string &object, const std::string &query, std::string_view body,
                              const stdfs::path *download) {
    S3Response response;
    std::string curl_error;
    for (int i = 0; i < max_attempts; ++i) {
        if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(250 << (i - 1)));
        response = attempt(method, object, query, body, download, curl_error);
        if (!retryable(response, curl_error)) break;
        spdlog::debug("S3 {} {} failed ({}), attempt {} of {}", method, object, curl_error.empty() ? std::to_string(response.status) : curl_error,
                   i + 1, max_attempts);
    }
    if (!curl_error.empty())
        throw Error("cannot reach the S3 endpoint " + settings_.endpoint + " for " + url_ + ": " + curl_error + " (after " +
                        std::to_string(max_attempts) + " attempts)",
                    "check that the server runs and that AWS_ENDPOINT_URL (or the region) is right");
    return response;
}

void S3Storage::fail(const std::string &method, const std::string &object, const S3Response &response) const {
    std::string code = xml_text(response.body, "Code");
    std::string detail = "HTTP " + std::to_string(response.status) + (code.empty() ? "" : " " + code);
    std::string message = xml_text(response.body, "Message");
    if (!message.empty()) detail += ": " + message;
    if (code == "NoSuchBucket")
        throw Error("bucket '" + settings_.bucket + "' does not exist at " + settings_.endpoint,
                    "create it (e.g. `aws s3 mb s3://" + settings_.bucket + "`) or fix the remote's URL");
    if (response.status == 403 || response.status == 401 || code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch")
        throw Error("S3 refused " + method + " " + url_ + "/" + object + ": " + detail,
                    "check the credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the profile AWS_PROFILE names in "
                    "~/.aws/credentials");
    throw Error("S3 " + method + " " + url_ + "/" + object + " failed: " + detail,
                "check the remote's URL and the server's logs; the command can be run again");
}

void S3Storage::put_bytes(const std::string &key, std::string_view bytes) {
    std::string object = object_of(key);
    S3Response response = request("PUT", object, "", bytes);
    if (response.status / 100 != 2) fail("PUT", object, response);
}

void S3Storage::put_file(const std::string &key, const stdfs::path &file) {
    std::error_code ec;
    std::uint64_t size = stdfs::file_size(file, ec);
    if (ec) throw Error("cannot read " + file.string() + ": " + ec.message(), "check that the file exists");
    if (size > part_size) return put_multipart(object_of(key), file, size);
    std::ifstream in(file, std::ios::binary);
    put_bytes(key, read_range(in, file, size));
}

void S3Storage::put_multipart(const std::string &object, const stdfs::path &file, std::uint64_t size) {
    S3Response created = request("POST", object, "uploads=", "");
    std::string upload_id = xml_text(created.body, "UploadId");
    if (created.status / 100 != 2 || upload_id.empty()) fail("POST", object, created);
    std::string upload_query = "uploadId=" + escaped(upload_id);
    try {
        std::ifstream in(file, std::ios::binary);
        std::string complete = "<CompleteMultipartUpload>";
        for (std::uint64_t offset = 0, part = 1; offset < size; offset += part_size, ++part) {
            std::string bytes = read_range(in, file, std::min(part_size, size - offset));
            S3Response sent = request("PUT", object, "partNumber=" + std::to_string(part) + "&" + upload_query, bytes);
            if (sent.status / 100 != 2) fail("PUT", object, sent);
            complete += "<Part><PartNumber>" + std::to_string(part) + "</PartNumber><ETag>" + sent.headers["etag"] + "</ETag></Part>";
        }
        complete += "</CompleteMultipartUpload>";
        S3Response done = request("POST", object, upload_query, complete);
        // S3 may answer 200 with an error document when completing fails late.
        if (done.status / 100 != 2 || !xml_text(done.body, "Code").empty()) fail("POST", object, done);
    } catch (...) {
        try {
            (void)request("DELETE", object, upload_query, "");
        } catch (const Error &) {
        } // the upload stays incomplete: never listed, removed by the bucket's lifecycle rules
        throw;
    }
}

void S3Storage::get_file(const std::string &key, const stdfs::path &file) {
    std::string object = object_of(key);
    S3Response response = request("GET", object, "", "", &file);
    if (response.status / 100 != 2) fail("GET", object, response);
}

std::string S3Storage::get_bytes(const std::string &key) {
    std::string object = object_of(key);
    S3Response response = request("GET", object, "", "");
    if (response.status / 100 != 2) fail("GET", object, response);
    return response.body;
}

std::optional<std::uint64_t> S3Storage::head(const std::string &key) {
    std::string object = object_of(key);
    S3Response response = request("HEAD", object, "", "");
    if (response.status == 404) {
        // a HEAD has no body to say why: an empty listing tells a missing bucket from a missing object
        S3Response bucket = request("GET", "", "list-type=2&max-keys=0", "");
        if (bucket.status / 100 != 2) fail("GET", "", bucket);
        return std::nullopt;
    }
    if (response.status / 100 != 2) fail("HEAD", object, response);
    return std::stoull("0" + response.headers["content-length"]); // "0" + "": a server that sends no length
}

std::vector<StoredObject> S3Storage::list(const std::string &prefix) {
    std::string full_prefix = settings_.prefix.empty() ? prefix : settings_.prefix + "/" + prefix;
    std::vector<StoredObject> objects;
    std::string token;
    do {
        std::string query = (token.empty() ? "" : "continuation-token=" + escaped(token) + "&") + "list-type=2&prefix=" + escaped(full_prefix);
        S3Response response = request("GET", "", query, "");
        if (response.status / 100 != 2) fail("GET", "", response);
        for (const std::string &entry : xml_texts(response.body, "Contents")) {
            std::string key = xml_text(entry, "Key").substr(settings_.prefix.empty() ? 0 : settings_.prefix.size() + 1);
            objects.push_back({key, std::stoull("0" + xml_text(entry, "Size")), unix_time_of(xml_text(entry, "LastModified"))});
        }
        token = xml_text(response.body, "IsTruncated") == "true" ? xml_text(response.body, "NextContinuationToken") : "";
    } while (!token.empty());
    return objects;
}

void S3Storage::remove(const std::string &key) {
    std::string object = object_of(key);
    S3Response response = request("DELETE", object, "", "");
    if (response.status / 100 != 2 && response.status != 404) fail("DELETE", object, response);
}

} // namespace dspace
