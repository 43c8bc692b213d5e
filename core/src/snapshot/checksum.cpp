// Checksums of a snapshot's payload: XXH3-128 per regular file.
#include <dspace/core/error.hpp>
#include <dspace/core/snapshot_manifest.hpp>

#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace dspace {

std::string xxh3_128_file(const std::filesystem::path &file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error("cannot read " + file.string() + " to checksum it: " + std::strerror(errno));
    std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(), &XXH3_freeState);
    XXH3_128bits_reset(state.get());
    std::vector<char> buffer(1 << 20);
    for (;;) {
        ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int saved = errno;
            ::close(fd);
            throw Error("cannot read " + file.string() + " to checksum it: " + std::strerror(saved));
        }
        if (n == 0) break;
        XXH3_128bits_update(state.get(), buffer.data(), static_cast<size_t>(n));
    }
    ::close(fd);
    XXH128_hash_t hash = XXH3_128bits_digest(state.get());
    char text[33];
    std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(hash.high64),
                  static_cast<unsigned long long>(hash.low64));
    return text;
}

std::vector<ManifestFile> scan_payload(const std::filesystem::path &payload_dir) {
    std::vector<ManifestFile> files;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(payload_dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        files.push_back({it->path().lexically_relative(payload_dir).generic_string(), static_cast<std::uint64_t>(st.st_size),
                         xxh3_128_file(it->path())});
    }
    if (ec) throw Error("cannot list the snapshot payload " + payload_dir.string() + ": " + ec.message());
    std::sort(files.begin(), files.end(), [](const auto &a, const auto &b) { return a.path < b.path; });
    return files;
}

} // namespace dspace
