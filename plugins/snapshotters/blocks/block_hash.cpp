// SHA-256 by OpenSSL's EVP interface, XXH3-128 by libxxhash (on x86-64 its dispatcher, which picks the widest vector
// unit the CPU has: twice as fast with AVX2 as the portable SSE2 build, same digests).
#include "block_hash.hpp"

#include "file_io.hpp"

#include <openssl/evp.h>
#include <xxhash.h>
#if defined(__x86_64__)
#include <xxh_x86dispatch.h>
#endif

namespace dspace::blocks {

BlockId sha256(const void *data, std::size_t size) {
    BlockId out {};
    unsigned int length = 0;
    if (EVP_Digest(data, size, out.data(), &length, EVP_sha256(), nullptr) != 1 || length != out.size())
        throw BlockError("OpenSSL could not compute a SHA-256 digest", "check the installed libssl (apt-get install libssl3)");
    return out;
}

QuickHash quick_hash(const void *data, std::size_t size) {
    XXH128_canonical_t canonical;
#if defined(__x86_64__)
    XXH128_canonicalFromHash(&canonical, XXH3_128bits_dispatch(data, size));
#else
    XXH128_canonicalFromHash(&canonical, XXH3_128bits(data, size));
#endif
    QuickHash out;
    std::memcpy(out.data(), canonical.digest, out.size());
    return out;
}

bool all_zero(const void *data, std::size_t size) {
    const auto *bytes = static_cast<const unsigned char *>(data);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, bytes + i, 8);
        if (word != 0) return false;
    }
    for (; i < size; ++i)
        if (bytes[i] != 0) return false;
    return true;
}

std::string to_hex(const BlockId &id) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(id.size() * 2);
    for (auto byte : id) {
        out += digits[byte >> 4];
        out += digits[byte & 15];
    }
    return out;
}

} // namespace dspace::blocks
