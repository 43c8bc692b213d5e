// Where the live files' blocks were on disk when last synced with the store, on file systems with reflinks
// (<space>/blocks.state.extents, beside the state). After a snapshot or rollback a block shared with the store
// is one physical block referenced twice; a later write to the live file moves it (copy on write), so a live
// block still shared and still at the recorded address holds what it held then: the next snapshot takes its
// record from the synced block list (blocks.state.list) instead of reading it. A file's extents are
// used only with the synced list's entry of the same digest; the file is removed whenever the state is.
#pragma once

#include "block_hash.hpp"
#include "reflink.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dspace::blocks {

//! One file's shared extents and the block list digest it equalled then.
struct FileExtents {
    QuickHash digest {};          //!< the digest of its entry in the synced list
    std::vector<Extent> extents;  //!< its shared extents, by logical offset
};

//! The extents file of the data directory data_dir.
std::string extents_path(const std::string &data_dir);
//! The recorded extents of data_dir's files, or nothing when absent, damaged or about another directory.
std::optional<std::map<std::string, FileExtents>> load_extents(const std::string &data_dir);

//! Collects extents and writes them atomically.
class ExtentsWriter {
public:
    //! New extents for data_dir.
    explicit ExtentsWriter(const std::string &data_dir) : data_dir_(data_dir) {}
    //! Records file path as equal to the list entry with digest, with its shared extents.
    void add(const std::string &path, const QuickHash &digest, const std::vector<Extent> &extents);
    //! Writes the file (temporary file, fsync, rename, fsync of the directory).
    void commit();

private:
    std::string data_dir_;
    std::map<std::string, FileExtents> files_;
};

} // namespace dspace::blocks
