// Which blocks a remote holds, and where: the index objects of its packs, cached locally so that each is fetched once.
#pragma once

#include "remote_layout.hpp"

#include <cstring>
#include <filesystem>
#include <unordered_map>

namespace dspace::transfer {

//! Where a block lives on the remote.
struct BlockPlace {
    std::uint32_t pack = 0;    //!< index into RemoteIndex::packs()
    std::uint64_t offset = 0;  //!< byte offset in the pack
    std::uint32_t length = 0;  //!< byte length
};

//! Hash functor for BlockId (its first bytes are already uniform).
struct BlockIdHash {
    //! The id's first 8 bytes.
    std::size_t operator()(const BlockId &id) const {
        std::size_t h;
        std::memcpy(&h, id.data(), sizeof h);
        return h;
    }
};

//! The blocks of every complete pack (one with an index) on a remote.
class RemoteIndex {
public:
    //! Lists the remote's pack indexes, fetching those cache_dir lacks (the cache is created when missing).
    RemoteIndex(Storage &storage, const std::filesystem::path &cache_dir);
    //! Where block id is, or nullptr when no pack holds it.
    const BlockPlace *find(const BlockId &id) const;
    //! The names (SHA-256 hex) of the packs, as BlockPlace::pack refers to them.
    const std::vector<std::string> &packs() const { return packs_; }
    //! Records pack (its index object's bytes) as stored on the remote, here and in the cache.
    void add(const std::string &pack, const std::string &index_bytes);

private:
    void learn(const std::string &pack, const std::vector<PackEntry> &entries);
    std::filesystem::path cache_dir_;
    std::vector<std::string> packs_;
    std::unordered_map<BlockId, BlockPlace, BlockIdHash> places_;
};

} // namespace dspace::transfer
