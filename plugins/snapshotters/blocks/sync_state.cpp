// The state file: text-free binary records, written whole and atomically.
#include "sync_state.hpp"

#include "record_io.hpp"

#include <cerrno>
#include <unistd.h>

namespace dspace::blocks {

namespace {

constexpr char magic[8] = {'D', 'S', 'B', 'S', 'T', 'A', 'T', '2'};
//! A write this long after the last one the reader saw changes the file's mtime (time stamps advance by clock
//! ticks of at most 10 ms, and the file system's clock may lag the wall clock by one tick).
constexpr std::int64_t write_tick_margin_ns = 50'000'000;

template <typename T>
void put(std::string &out, T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i) out += char(std::uint64_t(value) >> (8 * i));
}

void put_text(std::string &out, const std::string &text) {
    put<std::uint32_t>(out, std::uint32_t(text.size()));
    out += text;
}

} // namespace

std::string state_path(const std::string &data_dir) { return parent_of(data_dir) + "/blocks.state"; }

std::string directory_identity(const std::string &data_dir) {
    struct stat st {};
    if (!lstat_if_exists(data_dir, st)) return {};
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

bool unchanged(const Fingerprint &fingerprint, const struct stat &st) {
    return S_ISREG(st.st_mode) && fingerprint.size == std::uint64_t(st.st_size) && fingerprint.mtime_ns == to_ns(st.st_mtim) &&
           fingerprint.inode == std::uint64_t(st.st_ino) && fingerprint.ctime_ns == to_ns(st.st_ctim);
}

namespace {

//! Opens data_dir's state file and reads its header: the boot and directory identity it was written for.
std::optional<RecordReader> open_state(const std::string &data_dir, std::string &boot, std::string &identity) {
    struct stat st {};
    std::string path = state_path(data_dir);
    if (!lstat_if_exists(path, st) || !S_ISREG(st.st_mode)) return std::nullopt;
    std::optional<RecordReader> in;
    in.emplace(path);
    char got[8];
    in->bytes(got, sizeof got);
    if (std::memcmp(got, magic, sizeof magic) != 0) return std::nullopt;
    boot = in->text();
    identity = in->text();
    return in;
}

} // namespace

std::string recorded_identity(const std::string &data_dir) {
    std::string boot, identity;
    try {
        return open_state(data_dir, boot, identity) ? identity : std::string();
    } catch (const BlockError &) {
        return {};
    }
}

std::optional<SyncState> load_state(const std::string &data_dir) {
    try {
        std::string boot, identity;
        auto in = open_state(data_dir, boot, identity);
        if (!in || boot.empty() || boot != boot_id() || identity != directory_identity(data_dir)) return std::nullopt;
        SyncState state;
        state.store_generation = in->text();
        auto count = in->integer<std::uint64_t>();
        std::map<std::string, Fingerprint> &files = state.files;
        for (std::uint64_t i = 0; i < count; ++i) {
            std::string file = in->text();
            Fingerprint f;
            f.size = in->integer<std::uint64_t>();
            f.mtime_ns = std::int64_t(in->integer<std::uint64_t>());
            f.inode = in->integer<std::uint64_t>();
            f.ctime_ns = std::int64_t(in->integer<std::uint64_t>());
            in->bytes(f.digest.data(), f.digest.size());
            files.emplace(std::move(file), f);
        }
        return state;
    } catch (const BlockError &) {
        return std::nullopt; // a damaged state only costs reading the files
    }
}

std::string synced_list_path(const std::string &data_dir) { return state_path(data_dir) + ".list"; }

void forget_state(const std::string &data_dir) {
    if (::unlink((state_path(data_dir) + ".extents").c_str()) != 0 && errno != ENOENT) // (extent_state.hpp's file)
        throw_errno("cannot remove " + state_path(data_dir) + ".extents");
    remove_file_durable(state_path(data_dir));
    if (::unlink(synced_list_path(data_dir).c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove " + synced_list_path(data_dir));
}

StateWriter::StateWriter(const std::string &data_dir, const std::string &store_generation)
    : data_dir_(data_dir), store_generation_(store_generation) {}

void StateWriter::add(const std::string &path, const struct stat &st, const QuickHash &digest, std::int64_t observed_ns) {
    if (to_ns(st.st_mtim) >= observed_ns - write_tick_margin_ns) return; // a later write in the same clock tick would not change mtime
    put_text(content_, path);
    put<std::uint64_t>(content_, std::uint64_t(st.st_size));
    put<std::uint64_t>(content_, std::uint64_t(to_ns(st.st_mtim)));
    put<std::uint64_t>(content_, std::uint64_t(st.st_ino));
    put<std::uint64_t>(content_, std::uint64_t(to_ns(st.st_ctim)));
    content_.append(reinterpret_cast<const char *>(digest.data()), digest.size());
    ++count_;
}

void StateWriter::commit(const std::string &block_list) {
    std::string link = synced_list_path(data_dir_), staged = link + ".tmp";
    if (::unlink(staged.c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove " + staged);
    if (::link(block_list.c_str(), staged.c_str()) == 0) {
        if (::rename(staged.c_str(), link.c_str()) != 0) throw_errno("cannot rename " + staged + " to " + link);
    } else if (::unlink(link.c_str()) != 0 && errno != ENOENT) { // another file system: no list, so no comparison by lists
        throw_errno("cannot remove " + link);
    }
    std::string out(magic, sizeof magic);
    put_text(out, boot_id());
    put_text(out, directory_identity(data_dir_));
    put_text(out, store_generation_);
    put<std::uint64_t>(out, count_);
    write_file_durable(state_path(data_dir_), out + content_);
}

} // namespace dspace::blocks
