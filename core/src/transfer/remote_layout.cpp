#include "remote_layout.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/names.hpp>

#include <openssl/evp.h>
#include <rapidjson/document.h>

#include <cstring>

namespace dspace::transfer {

namespace {

constexpr char index_magic[] = "DSRIDX01";
constexpr std::size_t index_entry_size = 32 + 8 + 4;
constexpr const char *layout_key = "dspace-remote.json";

void put_le(std::string &out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(char((value >> (8 * i)) & 0xff));
}

std::uint64_t get_le(const unsigned char *in, int bytes) {
    std::uint64_t value = 0;
    for (int i = 0; i < bytes; ++i) value |= std::uint64_t(in[i]) << (8 * i);
    return value;
}

} // namespace

BlockId sha256(std::string_view bytes) {
    BlockId id{};
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), id.data(), &length, EVP_sha256(), nullptr) != 1 || length != id.size())
        throw Error("cannot compute a SHA-256 digest (OpenSSL)");
    return id;
}

std::string to_hex(const BlockId &id) {
    static const char digits[] = "0123456789abcdef";
    std::string hex;
    for (auto byte : id) {
        hex.push_back(digits[byte >> 4]);
        hex.push_back(digits[byte & 15]);
    }
    return hex;
}

BlockId from_hex(const std::string &hex) {
    auto digit = [&](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        throw Error("'" + hex + "' is not a SHA-256 (64 lower-case hex digits)");
    };
    if (hex.size() != 64) throw Error("'" + hex + "' is not a SHA-256 (64 lower-case hex digits)");
    BlockId id{};
    for (std::size_t i = 0; i < id.size(); ++i) id[i] = std::uint8_t(digit(hex[2 * i]) * 16 + digit(hex[2 * i + 1]));
    return id;
}

std::string pack_key(const std::string &pack) { return "packs/" + pack.substr(0, 2) + "/" + pack + ".pack"; }
std::string index_key(const std::string &pack) { return "packs/" + pack.substr(0, 2) + "/" + pack + ".idx"; }

std::string pack_of_index_key(const std::string &key) {
    constexpr std::string_view suffix = ".idx";
    if (key.rfind("packs/", 0) != 0 || key.size() < suffix.size() || key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0)
        return "";
    auto slash = key.rfind('/');
    std::string pack = key.substr(slash + 1, key.size() - suffix.size() - slash - 1);
    if (pack.size() != 64 || key != index_key(pack)) return "";
    try {
        from_hex(pack);
    } catch (const Error &) {
        return "";
    }
    return pack;
}

std::string snapshot_prefix(const std::string &space, const std::string &snap) {
    validate_name(space, "space");
    validate_name(snap, "snapshot");
    return "snapshots/" + space + "/" + snap + "/";
}

std::string manifest_key(const std::string &space, const std::string &snap) { return snapshot_prefix(space, snap) + "manifest.json"; }

std::optional<std::pair<std::string, std::string>> snapshot_of_manifest_key(const std::string &key) {
    constexpr std::string_view prefix = "snapshots/", suffix = "/manifest.json";
    if (key.rfind(prefix, 0) != 0 || key.size() < prefix.size() + suffix.size() ||
        key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0)
        return std::nullopt;
    std::string middle = key.substr(prefix.size(), key.size() - prefix.size() - suffix.size());
    auto slash = middle.find('/');
    if (slash == std::string::npos || middle.find('/', slash + 1) != std::string::npos) return std::nullopt;
    std::pair<std::string, std::string> names{middle.substr(0, slash), middle.substr(slash + 1)};
    if (!name_problem(names.first).empty() || !name_problem(names.second).empty()) return std::nullopt;
    return names;
}

std::string payload_key(const std::string &space, const std::string &snap, const std::string &path) {
    std::string key = snapshot_prefix(space, snap) + "payload/" + path;
    validate_object_key(key);
    return key;
}

std::string encode_index(const std::vector<PackEntry> &entries) {
    std::string out(index_magic, 8);
    put_le(out, entries.size(), 8);
    for (const auto &e : entries) {
        out.append(reinterpret_cast<const char *>(e.id.data()), e.id.size());
        put_le(out, e.offset, 8);
        put_le(out, e.length, 4);
    }
    return out;
}

std::vector<PackEntry> decode_index(std::string_view bytes, const std::string &origin) {
    auto bad = [&](const std::string &why) {
        return Error("the pack index " + origin + " is damaged (" + why + ")",
                     "the remote's pack is unusable; push the snapshots that need its blocks again from a machine that has them");
    };
    if (bytes.size() < 16 || std::memcmp(bytes.data(), index_magic, 8) != 0) throw bad("no DSRIDX01 header");
    auto *in = reinterpret_cast<const unsigned char *>(bytes.data());
    std::uint64_t count = get_le(in + 8, 8);
    if ((bytes.size() - 16) / index_entry_size != count || (bytes.size() - 16) % index_entry_size != 0) throw bad("wrong size");
    std::vector<PackEntry> entries(count);
    for (std::uint64_t i = 0; i < count; ++i) {
        const unsigned char *e = in + 16 + i * index_entry_size;
        std::memcpy(entries[i].id.data(), e, 32);
        entries[i].offset = get_le(e + 32, 8);
        entries[i].length = std::uint32_t(get_le(e + 40, 4));
    }
    return entries;
}

void check_layout(Storage &storage, const Remote &remote, bool create) {
    if (!storage.exists(layout_key)) {
        if (create) storage.put_bytes(layout_key, "{\"layout\": " + std::to_string(remote_layout) + "}\n");
        return;
    }
    std::string text = storage.get_bytes(layout_key);
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("layout") || !doc["layout"].IsInt())
        throw Error("remote '" + remote.name + "' (" + remote.url + ") has a damaged " + layout_key,
                    "check that the URL points at a dspace remote");
    int layout = doc["layout"].GetInt();
    if (layout > remote_layout)
        throw Error("remote '" + remote.name + "' has layout " + std::to_string(layout) + ", newer than this dspace reads (" +
                        std::to_string(remote_layout) + ")",
                    "upgrade dspace to use this remote");
}

std::filesystem::path remote_state_dir(const std::filesystem::path &home, const Remote &remote) {
    fs::make_home_dir(home / "transfer");
    auto dir = home / "transfer" / to_hex(sha256(remote.url)).substr(0, 16);
    fs::make_private_dir(dir);
    return dir;
}

} // namespace dspace::transfer
