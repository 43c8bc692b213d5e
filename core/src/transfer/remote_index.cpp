#include "remote_index.hpp"

#include <dspace/core/fs.hpp>

namespace dspace::transfer {

RemoteIndex::RemoteIndex(Storage &storage, const std::filesystem::path &cache_dir) : cache_dir_(cache_dir) {
    fs::make_private_dir(cache_dir_);
    for (const auto &object : storage.list("packs/")) {
        std::string pack = pack_of_index_key(object.key);
        if (pack.empty()) continue;
        auto cached = cache_dir_ / (pack + ".idx");
        std::error_code ec;
        std::string bytes;
        if (std::filesystem::file_size(cached, ec) == object.size_bytes && !ec) {
            bytes = fs::read_file(cached);
        } else {
            bytes = storage.get_bytes(object.key);
            decode_index(bytes, storage.url() + "/" + object.key); // checked before it is cached
            fs::write_file_atomic(cached, bytes);
        }
        learn(pack, decode_index(bytes, cached.string()));
    }
}

const BlockPlace *RemoteIndex::find(const BlockId &id) const {
    auto it = places_.find(id);
    return it == places_.end() ? nullptr : &it->second;
}

void RemoteIndex::add(const std::string &pack, const std::string &index_bytes) {
    auto entries = decode_index(index_bytes, pack);
    fs::write_file_atomic(cache_dir_ / (pack + ".idx"), index_bytes);
    learn(pack, entries);
}

void RemoteIndex::learn(const std::string &pack, const std::vector<PackEntry> &entries) {
    auto number = std::uint32_t(packs_.size());
    packs_.push_back(pack);
    for (const auto &e : entries) places_.try_emplace(e.id, BlockPlace{number, e.offset, e.length});
}

} // namespace dspace::transfer
