// Block hashes: SHA-256 names a stored block (collision resistant, unforgeable); XXH3-128 detects change fast.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace dspace::blocks {

//! A block's name in the store: its SHA-256.
using BlockId = std::array<std::uint8_t, 32>;
//! A block's quick fingerprint: its XXH3-128, compared with live blocks to find what changed.
using QuickHash = std::array<std::uint8_t, 16>;

//! SHA-256 of size bytes (OpenSSL EVP).
BlockId sha256(const void *data, std::size_t size);
//! XXH3-128 of size bytes, by the fastest implementation the CPU runs (the digest is the same on every CPU).
QuickHash quick_hash(const void *data, std::size_t size);
//! True when every byte is zero (such blocks are holes, never stored).
bool all_zero(const void *data, std::size_t size);
//! Lower-case hexadecimal of an id.
std::string to_hex(const BlockId &id);

//! Hash functor for unordered containers of BlockId (its first 8 bytes are already uniform).
struct BlockIdHasher {
    //! The id's first 8 bytes.
    std::size_t operator()(const BlockId &id) const {
        std::size_t h;
        std::memcpy(&h, id.data(), sizeof h);
        return h;
    }
};

} // namespace dspace::blocks
