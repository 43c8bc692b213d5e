// The object keys and formats of a remote (see transfer.hpp), and the local directory kept per remote.
#pragma once

#include <dspace/core/remotes.hpp>
#include <dspace/core/storage.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dspace::transfer {

//! The remote layout this dspace writes and reads.
inline constexpr int remote_layout = 1;
//! Blocks are grouped into packs of at most this many bytes (one S3 PUT: larger objects go up in parts).
inline constexpr std::size_t pack_target_bytes = 8u << 20;

//! A block's SHA-256.
using BlockId = std::array<std::uint8_t, 32>;

//! One entry of a remote pack index.
struct PackEntry {
    BlockId id{};              //!< the block's SHA-256
    std::uint64_t offset = 0;  //!< where it starts in the pack
    std::uint32_t length = 0;  //!< its length
};

//! SHA-256 of bytes.
BlockId sha256(std::string_view bytes);
//! Lower-case hex of an id.
std::string to_hex(const BlockId &id);
//! The id 64 hex digits name; throws Error otherwise.
BlockId from_hex(const std::string &hex);

//! packs/<hh>/<hash>.pack
std::string pack_key(const std::string &pack);
//! packs/<hh>/<hash>.idx
std::string index_key(const std::string &pack);
//! The pack a key under packs/ ending in .idx names, or "" for any other key.
std::string pack_of_index_key(const std::string &key);
//! snapshots/<space>/<snap>/ (both names validated).
std::string snapshot_prefix(const std::string &space, const std::string &snap);
//! snapshots/<space>/<snap>/manifest.json
std::string manifest_key(const std::string &space, const std::string &snap);
//! The space and snapshot a key snapshots/<space>/<snap>/manifest.json names, or nothing for any other key.
std::optional<std::pair<std::string, std::string>> snapshot_of_manifest_key(const std::string &key);
//! snapshots/<space>/<snap>/payload/<path> (path validated as an object key).
std::string payload_key(const std::string &space, const std::string &snap, const std::string &path);

//! A pack index object's bytes.
std::string encode_index(const std::vector<PackEntry> &entries);
//! The entries of a pack index object; throws Error naming origin when it is malformed.
std::vector<PackEntry> decode_index(std::string_view bytes, const std::string &origin);

//! Throws Error when remote's layout marker names a newer layout; with create, writes the marker when absent.
void check_layout(Storage &storage, const Remote &remote, bool create);

//! $DSPACE_HOME/transfer/<16 hex digits of the URL's SHA-256>: the local state kept for one remote (created, 0700).
std::filesystem::path remote_state_dir(const std::filesystem::path &home, const Remote &remote);

} // namespace dspace::transfer
