#include "bundle.hpp"
#include "loader.hpp"

#include <dspace/core/error.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <unistd.h>

namespace dspace::plugin_bundle {

namespace {

const std::string damaged_hint = "the bundle is damaged or unsafe: ask its publisher for a new one";

bool is_plain_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

//! Why an archive entry's path is not a plain file name; empty when it is.
std::string entry_path_problem(const std::string &path) {
    if (path.empty()) return "an entry has an empty name";
    if (path.front() == '/') return "entry '" + path + "' is an absolute path";
    if (path.find('/') != std::string::npos) return "entry '" + path + "' is not a plain file name (directories and '..' are refused)";
    if (path == "." || path == "..") return "entry '" + path + "' is not a file name";
    for (char c : path)
        if (!is_plain_name_char(c)) return "entry '" + path + "' has a character other than letters, digits, '_', '-' and '.'";
    return {};
}

const char *file_type_text(mode_t type) {
    switch (type) {
    case AE_IFDIR: return "a directory";
    case AE_IFLNK: return "a symbolic link";
    case AE_IFCHR: return "a character device";
    case AE_IFBLK: return "a block device";
    case AE_IFIFO: return "a named pipe";
    case AE_IFSOCK: return "a socket";
    default: return "not a regular file";
    }
}

bool is_hex_sha256(const std::string &text) {
    if (text.size() != 64) return false;
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

struct ArchiveCloser {
    void operator()(archive *a) const { archive_read_free(a); }
};

//! Copies the current entry's data into a new file path (O_EXCL, no symlink followed).
void write_entry(archive *a, const std::filesystem::path &path, const std::string &name, const std::string &origin) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) throw Error("bundle " + origin + ": entry '" + name + "' appears twice", damaged_hint);
        throw Error("cannot extract " + name + " into " + path.parent_path().string() + ": " + std::strerror(errno));
    }
    char buffer[64 * 1024];
    for (;;) {
        la_ssize_t n = archive_read_data(a, buffer, sizeof buffer);
        if (n == 0) break;
        if (n < 0) {
            ::close(fd);
            throw Error("bundle " + origin + ": cannot read entry '" + name + "': " + archive_error_string(a), damaged_hint);
        }
        for (la_ssize_t done = 0; done < n;) {
            ssize_t w = ::write(fd, buffer + done, static_cast<size_t>(n - done));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) {
                int saved = errno;
                ::close(fd);
                throw Error("cannot extract " + name + " into " + path.parent_path().string() + ": " + std::strerror(saved),
                            saved == ENOSPC ? "free some disk space and try again" : "");
            }
            done += w;
        }
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0)
        throw Error("cannot sync " + path.string() + ": " + std::strerror(errno));
}

} // namespace

std::string name_problem(std::string_view name) {
    if (name.empty() || name.size() > 64) return "a bundle name has 1 to 64 characters";
    if (!((name.front() >= 'a' && name.front() <= 'z') || (name.front() >= '0' && name.front() <= '9')))
        return "a bundle name starts with a lower-case letter or a digit";
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
            return "a bundle name has only lower-case letters, digits, '_', '-' and '.'";
    return {};
}

std::string sha256_file(const std::filesystem::path &file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error("cannot read " + file.string() + ": " + std::strerror(errno));
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) throw Error("cannot start a SHA-256 digest (OpenSSL)");
    char buffer[64 * 1024];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        if (EVP_DigestUpdate(ctx.get(), buffer, static_cast<size_t>(in.gcount())) != 1)
            throw Error("SHA-256 digest of " + file.string() + " failed (OpenSSL)");
    }
    if (in.bad()) throw Error("cannot read " + file.string() + ": " + std::strerror(errno));
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(ctx.get(), digest, &size) != 1) throw Error("SHA-256 digest of " + file.string() + " failed (OpenSSL)");
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < size; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xf];
    }
    return out;
}

BundleManifest parse_manifest(std::string_view json, const std::string &origin) {
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    if (doc.HasParseError())
        throw Error(origin + " is not valid JSON: " + rapidjson::GetParseError_En(doc.GetParseError()), damaged_hint);
    auto string_member = [&](const rapidjson::Value &object, const char *key) {
        if (!object.IsObject() || !object.HasMember(key) || !object[key].IsString())
            throw Error(origin + " has no string \"" + key + "\"", damaged_hint);
        return std::string(object[key].GetString(), object[key].GetStringLength());
    };
    BundleManifest manifest;
    manifest.name = string_member(doc, "name");
    manifest.version = string_member(doc, "version");
    if (std::string why = name_problem(manifest.name); !why.empty())
        throw Error(origin + ": bad bundle name '" + manifest.name + "': " + why, damaged_hint);
    if (manifest.version.empty()) throw Error(origin + ": the version is empty", damaged_hint);
    if (!doc.HasMember("files") || !doc["files"].IsArray() || doc["files"].Empty())
        throw Error(origin + " has no \"files\" array listing the plugin files", damaged_hint);
    for (const auto &item : doc["files"].GetArray()) {
        BundleFile file{string_member(item, "name"), string_member(item, "sha256")};
        if (!entry_path_problem(file.name).empty() || !plugin_loader::parse_file_name(file.name))
            throw Error(origin + ": '" + file.name + "' is not a plugin file name (dspace_<kind>_<name>.so)", damaged_hint);
        if (!is_hex_sha256(file.sha256))
            throw Error(origin + ": the sha256 of " + file.name + " is not 64 lower-case hex digits", damaged_hint);
        manifest.files.push_back(std::move(file));
    }
    return manifest;
}

std::string manifest_json(const BundleManifest &manifest) {
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
    w.SetIndent(' ', 2);
    w.StartObject();
    w.Key("name");
    w.String(manifest.name.c_str());
    w.Key("version");
    w.String(manifest.version.c_str());
    w.Key("files");
    w.StartArray();
    for (const auto &file : manifest.files) {
        w.StartObject();
        w.Key("name");
        w.String(file.name.c_str());
        w.Key("sha256");
        w.String(file.sha256.c_str());
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return std::string(buffer.GetString()) + "\n";
}

std::vector<std::string> extract_archive(const std::filesystem::path &archive_path, const std::filesystem::path &dir) {
    const std::string origin = archive_path.string();
    std::unique_ptr<archive, ArchiveCloser> a(archive_read_new());
    archive_read_support_filter_all(a.get());
    archive_read_support_format_tar(a.get());
    if (archive_read_open_filename(a.get(), archive_path.c_str(), 64 * 1024) != ARCHIVE_OK)
        throw Error(origin + " is neither a plugin file (dspace_<kind>_<name>.so) nor a bundle archive (.tar.zst): " +
                        archive_error_string(a.get()),
                    "give a plugin file or a bundle made with dspace_add_bundle()");
    std::vector<std::string> names;
    archive_entry *entry = nullptr;
    for (;;) {
        int rc = archive_read_next_header(a.get(), &entry);
        if (rc == ARCHIVE_EOF) break;
        if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
            throw Error(origin + " is neither a plugin file (dspace_<kind>_<name>.so) nor a readable bundle archive: " +
                            archive_error_string(a.get()),
                        damaged_hint);
        const char *raw = archive_entry_pathname(entry);
        std::string name = raw ? raw : "";
        if (name.rfind("./", 0) == 0) name.erase(0, 2);
        if (std::string why = entry_path_problem(name); !why.empty()) throw Error("bundle " + origin + ": " + why, damaged_hint);
        if (archive_entry_hardlink(entry) != nullptr)
            throw Error("bundle " + origin + ": entry '" + name + "' is a hard link; a bundle holds only regular files", damaged_hint);
        if (archive_entry_filetype(entry) != AE_IFREG)
            throw Error("bundle " + origin + ": entry '" + name + "' is " + file_type_text(archive_entry_filetype(entry)) +
                            "; a bundle holds only regular files",
                        damaged_hint);
        write_entry(a.get(), dir / name, name, origin);
        names.push_back(name);
    }
    if (names.empty()) throw Error("bundle " + origin + " is empty", damaged_hint);
    return names;
}

} // namespace dspace::plugin_bundle
