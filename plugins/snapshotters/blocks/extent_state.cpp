// The extents file: "DSBEXT01", text data directory identity, u64 file count; per file: text path, 16-byte digest,
// u64 extent count, then per extent u64 logical, u64 physical, u64 length (shared extents only).
#include "extent_state.hpp"

#include "record_io.hpp"
#include "sync_state.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace dspace::blocks {

namespace {
constexpr char magic[8] = {'D', 'S', 'B', 'E', 'X', 'T', '0', '1'};
}

std::string extents_path(const std::string &data_dir) { return state_path(data_dir) + ".extents"; }

std::optional<std::map<std::string, FileExtents>> load_extents(const std::string &data_dir) {
    struct stat st {};
    std::string path = extents_path(data_dir);
    if (!lstat_if_exists(path, st) || !S_ISREG(st.st_mode)) return std::nullopt;
    try {
        RecordReader in(path);
        char got[8];
        in.bytes(got, sizeof got);
        if (std::memcmp(got, magic, sizeof magic) != 0 || in.text() != directory_identity(data_dir)) return std::nullopt;
        std::map<std::string, FileExtents> files;
        for (auto count = in.integer<std::uint64_t>(); count > 0; --count) {
            std::string file = in.text();
            FileExtents f;
            in.bytes(f.digest.data(), f.digest.size());
            for (auto extents = in.integer<std::uint64_t>(); extents > 0; --extents) {
                Extent e;
                e.logical = in.integer<std::uint64_t>();
                e.physical = in.integer<std::uint64_t>();
                e.length = in.integer<std::uint64_t>();
                e.shared = true;
                f.extents.push_back(e);
            }
            files.emplace(std::move(file), std::move(f));
        }
        return files;
    } catch (const BlockError &) {
        return std::nullopt; // a damaged file only costs reading the files
    }
}

void ExtentsWriter::add(const std::string &path, const QuickHash &digest, const std::vector<Extent> &extents) {
    FileExtents &f = files_[path];
    f.digest = digest;
    for (const auto &e : extents)
        if (e.shared) f.extents.push_back(e);
}

void ExtentsWriter::commit() {
    std::string path = extents_path(data_dir_), staged = path + ".tmp";
    if (::unlink(staged.c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove " + staged);
    {
        RecordWriter out(staged);
        out.bytes(magic, sizeof magic);
        out.text(directory_identity(data_dir_));
        out.integer<std::uint64_t>(files_.size());
        for (const auto &[file, f] : files_) {
            out.text(file);
            out.bytes(f.digest.data(), f.digest.size());
            out.integer<std::uint64_t>(f.extents.size());
            for (const auto &e : f.extents) {
                out.integer<std::uint64_t>(e.logical);
                out.integer<std::uint64_t>(e.physical);
                out.integer<std::uint64_t>(e.length);
            }
        }
        out.finish(true);
    }
    if (::rename(staged.c_str(), path.c_str()) != 0) throw_errno("cannot rename " + staged + " to " + path);
    fsync_path(parent_of(path));
}

} // namespace dspace::blocks
