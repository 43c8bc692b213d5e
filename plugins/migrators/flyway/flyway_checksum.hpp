// Flyway's checksum of a SQL migration, computed as Flyway's ChecksumCalculator does: a CRC32 updated with
// the UTF-8 bytes of each line without its line terminator (\n, \r or \r\n), the BOM of the first line
// stripped, returned as a signed 32-bit integer. Header-only; pure, unit-tested.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace dspace::migrators::flyway {

//! The standard (zlib, java.util.zip) CRC-32 table, reflected polynomial 0xEDB88320.
inline const std::array<std::uint32_t, 256> &crc32_table() {
    static const std::array<std::uint32_t, 256> table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    return table;
}

//! Flyway's checksum of a migration file's content.
inline std::int32_t checksum(std::string_view content) {
    constexpr std::string_view bom = "\xEF\xBB\xBF";
    if (content.substr(0, bom.size()) == bom) content.remove_prefix(bom.size());
    std::uint32_t crc = 0xFFFFFFFFu;
    for (char c : content) {
        if (c == '\n' || c == '\r') continue; // lines are hashed without their terminators
        crc = crc32_table()[(crc ^ static_cast<unsigned char>(c)) & 0xFFu] ^ (crc >> 8);
    }
    return static_cast<std::int32_t>(crc ^ 0xFFFFFFFFu);
}

} // namespace dspace::migrators::flyway
