// The tar snapshotter's archive work with libarchive: pax entries, numeric owners, zstd.
#include "tar_archive.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <memory>
#include <vector>

namespace dspace::tar {

namespace {

using ArchivePtr = std::unique_ptr<archive, int (*)(archive *)>;
using EntryPtr = std::unique_ptr<archive_entry, void (*)(archive_entry *)>;

sdk::Status failed(const std::string &what, archive *a) {
    std::string why = archive_error_string(a) ? archive_error_string(a) : "unknown error";
    bool full = archive_errno(a) == ENOSPC;
    return sdk::Status::failure(what + ": " + why, full ? "free some disk space and try again" : "");
}

//! Bytes of the regular files below dir, for the progress bar.
std::uint64_t bytes_below(const std::string &dir) {
    std::uint64_t total = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); !ec && it != std::filesystem::recursive_directory_iterator();
         it.increment(ec))
        if (it->is_regular_file(ec) && !it->is_symlink(ec)) total += it->file_size(ec);
    return total;
}

//! Writes the current disk entry's data into out, filling holes with zeros (the archive stores whole files).
sdk::Status copy_entry_data(archive *disk, archive *out, la_int64_t size, sdk::Progress &progress, const std::string &path) {
    static const std::vector<char> zeros(1 << 16, 0);
    la_int64_t position = 0;
    auto pad_to = [&](la_int64_t end) {
        while (position < end) {
            auto n = static_cast<size_t>(std::min<la_int64_t>(end - position, static_cast<la_int64_t>(zeros.size())));
            if (archive_write_data(out, zeros.data(), n) < 0) return false;
            position += static_cast<la_int64_t>(n);
        }
        return true;
    };
    for (;;) {
        const void *buffer = nullptr;
        size_t length = 0;
        la_int64_t offset = 0;
        int r = archive_read_data_block(disk, &buffer, &length, &offset);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) return failed("cannot read " + path, disk);
        if (!pad_to(offset) || archive_write_data(out, buffer, length) < 0) return failed("cannot archive " + path, out);
        position += static_cast<la_int64_t>(length);
        progress.advance(length);
    }
    if (!pad_to(size)) return failed("cannot archive " + path, out);
    return {};
}

} // namespace

sdk::Status write_archive(sdk::Progress &progress, const std::string &dir, const std::string &archive_file) {
    ArchivePtr out(archive_write_new(), archive_write_free);
    archive_write_add_filter_zstd(out.get());
    archive_write_set_format_pax_restricted(out.get());
    if (archive_write_open_filename(out.get(), archive_file.c_str()) != ARCHIVE_OK) return failed("cannot create " + archive_file, out.get());
    ArchivePtr disk(archive_read_disk_new(), archive_read_free);
    archive_read_disk_set_symlink_physical(disk.get());
    if (archive_read_disk_open(disk.get(), dir.c_str()) != ARCHIVE_OK) return failed("cannot read " + dir, disk.get());
    progress.begin("archiving " + dir, bytes_below(dir));
    std::filesystem::path root(dir);
    for (;;) {
        EntryPtr entry(archive_entry_new(), archive_entry_free);
        int r = archive_read_next_header2(disk.get(), entry.get());
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) return failed("cannot read " + dir, disk.get());
        archive_read_disk_descend(disk.get());
        std::string path = archive_entry_pathname(entry.get());
        std::string relative = std::filesystem::path(path).lexically_relative(root).generic_string();
        archive_entry_set_pathname(entry.get(), relative.empty() ? "." : relative.c_str());
        archive_entry_sparse_clear(entry.get());
        archive_entry_set_uname(entry.get(), nullptr); // numeric owners only
        archive_entry_set_gname(entry.get(), nullptr);
        if (archive_write_header(out.get(), entry.get()) < ARCHIVE_WARN) return failed("cannot archive " + path, out.get());
        if (archive_entry_filetype(entry.get()) == AE_IFREG) {
            auto status = copy_entry_data(disk.get(), out.get(), archive_entry_size(entry.get()), progress, path);
            if (!status) return status;
        }
    }
    progress.end();
    if (archive_write_close(out.get()) != ARCHIVE_OK) return failed("cannot finish " + archive_file, out.get());
    return {};
}

sdk::Status extract_archive(sdk::Progress &progress, const std::string &archive_file, const std::string &dir, bool as_root) {
    ArchivePtr in(archive_read_new(), archive_read_free);
    archive_read_support_filter_zstd(in.get());
    archive_read_support_format_tar(in.get());
    if (archive_read_open_filename(in.get(), archive_file.c_str(), 1 << 16) != ARCHIVE_OK) return failed("cannot open " + archive_file, in.get());
    ArchivePtr out(archive_write_disk_new(), archive_write_free);
    int flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SPARSE | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                ARCHIVE_EXTRACT_SECURE_SYMLINKS; // absolute names are refused below, before dir is prefixed
    if (as_root) flags |= ARCHIVE_EXTRACT_OWNER;
    archive_write_disk_set_options(out.get(), flags);
    progress.begin("extracting " + archive_file, 0);
    archive_entry *entry = nullptr;
    for (;;) {
        int r = archive_read_next_header(in.get(), &entry);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) return failed("cannot read " + archive_file, in.get());
        std::string name = archive_entry_pathname(entry);
        if (name.empty() || name.front() == '/')
            return sdk::Status::failure("the archive " + archive_file + " holds the absolute path '" + name + "'",
                                        "it was not written by dspace; do not restore it");
        std::string target = dir + "/" + name;
        archive_entry_set_pathname(entry, target.c_str());
        if (const char *link = archive_entry_hardlink(entry)) archive_entry_set_hardlink(entry, (dir + "/" + link).c_str());
        if (archive_write_header(out.get(), entry) < ARCHIVE_WARN) return failed("cannot extract " + target, out.get());
        for (;;) {
            const void *buffer = nullptr;
            size_t length = 0;
            la_int64_t offset = 0;
            r = archive_read_data_block(in.get(), &buffer, &length, &offset);
            if (r == ARCHIVE_EOF) break;
            if (r < ARCHIVE_WARN) return failed("cannot read " + archive_file, in.get());
            if (archive_write_data_block(out.get(), buffer, length, offset) < ARCHIVE_WARN)
                return failed("cannot extract " + target, out.get());
            progress.advance(length);
        }
        if (archive_write_finish_entry(out.get()) < ARCHIVE_WARN) return failed("cannot extract " + target, out.get());
    }
    progress.end();
    if (archive_write_close(out.get()) != ARCHIVE_OK) return failed("cannot finish extracting into " + dir, out.get());
    return {};
}

} // namespace dspace::tar
