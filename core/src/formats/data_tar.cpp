#include "data_tar.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/interrupt.hpp>

#include <archive.h>
#include <archive_entry.h>

#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace dspace {

namespace {

struct ArchiveWriteCloser {
    void operator()(archive *a) const { archive_write_free(a); }
};
struct ArchiveReadCloser {
    void operator()(archive *a) const { archive_read_free(a); }
};
struct EntryFree {
    void operator()(archive_entry *e) const { archive_entry_free(e); }
};
using Entry = std::unique_ptr<archive_entry, EntryFree>;

[[noreturn]] void tar_failed(const std::string &what, const std::filesystem::path &tar, archive *a) {
    throw Error(what + " " + tar.string() + ": " + (a && archive_error_string(a) ? archive_error_string(a) : std::strerror(errno)),
                "check the free disk space and the path, then try again");
}

void write_entry_data(archive *a, const std::filesystem::path &file, const std::filesystem::path &out) {
    int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) throw Error("cannot read " + file.string() + ": " + std::strerror(errno));
    std::vector<char> buffer(1 << 20);
    for (;;) {
        ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int error = errno;
            ::close(fd);
            throw Error("cannot read " + file.string() + ": " + std::strerror(error));
        }
        if (n == 0) break;
        if (archive_write_data(a, buffer.data(), static_cast<size_t>(n)) != n) {
            ::close(fd);
            tar_failed("cannot write", out, a);
        }
    }
    ::close(fd);
}

void write_tree(archive *a, const std::filesystem::path &dir, const std::filesystem::path &out, const std::set<std::string> &skip,
                const BytesDone &done) {
    std::error_code ec;
    auto it = std::filesystem::recursive_directory_iterator(dir, ec);
    if (ec) throw Error("cannot read " + dir.string() + ": " + ec.message());
    for (; it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) throw Error("cannot read " + dir.string() + ": " + ec.message());
        check_interrupted();
        std::filesystem::path rel = it->path().lexically_relative(dir);
        if (it.depth() == 0 && skip.count(rel.string())) {
            it.disable_recursion_pending();
            continue;
        }
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) != 0) throw Error("cannot read " + it->path().string() + ": " + std::strerror(errno));
        if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode)) continue; // sockets, fifos
        Entry entry(archive_entry_new());
        archive_entry_copy_stat(entry.get(), &st);
        archive_entry_set_pathname(entry.get(), rel.c_str());
        if (S_ISLNK(st.st_mode)) archive_entry_set_symlink(entry.get(), std::filesystem::read_symlink(it->path()).c_str());
        if (archive_write_header(a, entry.get()) != ARCHIVE_OK) tar_failed("cannot write", out, a);
        if (S_ISREG(st.st_mode)) {
            write_entry_data(a, it->path(), out);
            if (done) done(static_cast<std::uint64_t>(st.st_size));
        }
    }
}

void write_extra(archive *a, const std::filesystem::path &out, const std::string &name, const std::string &text) {
    Entry entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), name.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0600);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(text.size()));
    archive_entry_set_mtime(entry.get(), ::time(nullptr), 0);
    archive_entry_set_uid(entry.get(), ::geteuid());
    archive_entry_set_gid(entry.get(), ::getegid());
    if (archive_write_header(a, entry.get()) != ARCHIVE_OK ||
        archive_write_data(a, text.data(), text.size()) != static_cast<la_ssize_t>(text.size()))
        tar_failed("cannot write", out, a);
}

//! A reader of the tar at in (compressed or not); throws Error when it cannot be opened.
std::unique_ptr<archive, ArchiveReadCloser> open_tar(const std::filesystem::path &in) {
    std::unique_ptr<archive, ArchiveReadCloser> reader(archive_read_new());
    archive_read_support_filter_all(reader.get());
    archive_read_support_format_tar(reader.get());
    if (archive_read_open_filename(reader.get(), in.c_str(), 1 << 16) != ARCHIVE_OK)
        throw Error("cannot read the tar " + in.string() + ": " + archive_error_string(reader.get()), "check the path");
    return reader;
}

//! path of a tar entry made relative and checked: no absolute path, no "..". Empty for the top directory itself.
std::filesystem::path checked_entry_path(const char *raw, const std::filesystem::path &tar) {
    std::string name = raw ? raw : "";
    while (name.rfind("./", 0) == 0) name.erase(0, 2);
    std::filesystem::path rel(name);
    if (rel.is_absolute()) throw Error("the tar " + tar.string() + " holds an absolute path: " + name, "make the tar with relative paths");
    for (const auto &part : rel)
        if (part == "..") throw Error("the tar " + tar.string() + " holds a path leading out of it: " + name, "this is not a data directory's tar");
    return name == "." ? std::filesystem::path() : rel;
}

//! The checked path of the entry archive_read_next_header(reader) just returned with rc; throws Error for a damaged tar.
std::filesystem::path checked_entry_path(archive *reader, int rc, archive_entry *entry, const std::filesystem::path &tar) {
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
        throw Error("cannot read the tar " + tar.string() + ": " + archive_error_string(reader), "the archive is damaged or not a tar");
    return checked_entry_path(archive_entry_pathname(entry), tar);
}

} // namespace

void write_data_tar(const std::filesystem::path &dir, const std::filesystem::path &out, const std::set<std::string> &skip,
                    const std::string &extra_name, const std::string &extra_text, const BytesDone &done) {
    std::unique_ptr<archive, ArchiveWriteCloser> a(archive_write_new());
    archive_write_set_format_pax_restricted(a.get());
    int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw Error("cannot create " + out.string() + ": " + std::strerror(errno), "check the path and its permissions");
    try {
        if (archive_write_open_fd(a.get(), fd) != ARCHIVE_OK) tar_failed("cannot write", out, a.get());
        write_tree(a.get(), dir, out, skip, done);
        if (!extra_name.empty()) write_extra(a.get(), out, extra_name, extra_text);
        if (archive_write_close(a.get()) != ARCHIVE_OK) tar_failed("cannot write", out, a.get());
        if (::fsync(fd) != 0) tar_failed("cannot sync", out, nullptr);
        if (::close(fd) != 0) {
            fd = -1;
            tar_failed("cannot write", out, nullptr);
        }
    } catch (...) {
        if (fd >= 0) ::close(fd);
        std::error_code ec;
        std::filesystem::remove(out, ec);
        throw;
    }
}

void extract_data_tar(const std::filesystem::path &in, const std::filesystem::path &dir, uid_t uid, gid_t gid, const BytesDone &done) {
    auto reader = open_tar(in);
    std::unique_ptr<archive, ArchiveWriteCloser> disk(archive_write_disk_new());
    archive_write_disk_set_options(disk.get(), ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_OWNER |
                                                   ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                   ARCHIVE_EXTRACT_SPARSE);
    archive_entry *entry = nullptr;
    for (;;) {
        check_interrupted();
        int rc = archive_read_next_header(reader.get(), &entry);
        if (rc == ARCHIVE_EOF) break;
        std::filesystem::path rel = checked_entry_path(reader.get(), rc, entry, in);
        if (rel.empty()) continue;
        archive_entry_set_pathname(entry, (dir / rel).c_str());
        if (const char *link = archive_entry_hardlink(entry))
            archive_entry_set_hardlink(entry, (dir / checked_entry_path(link, in)).c_str());
        archive_entry_set_uid(entry, uid);
        archive_entry_set_gid(entry, gid);
        if (archive_write_header(disk.get(), entry) != ARCHIVE_OK)
            throw Error("cannot extract " + rel.string() + " from " + in.string() + ": " + archive_error_string(disk.get()),
                        "check the free disk space");
        const void *block = nullptr;
        size_t size = 0;
        la_int64_t offset = 0;
        while ((rc = archive_read_data_block(reader.get(), &block, &size, &offset)) == ARCHIVE_OK) {
            if (archive_write_data_block(disk.get(), block, size, offset) != ARCHIVE_OK)
                throw Error("cannot extract " + rel.string() + " from " + in.string() + ": " + archive_error_string(disk.get()),
                            "check the free disk space");
            if (done) done(size);
        }
        if (rc != ARCHIVE_EOF)
            throw Error("cannot read " + rel.string() + " in the tar " + in.string() + ": " + archive_error_string(reader.get()),
                        "the archive is damaged");
        if (archive_write_finish_entry(disk.get()) != ARCHIVE_OK)
            throw Error("cannot extract " + rel.string() + " from " + in.string() + ": " + archive_error_string(disk.get()));
    }
    if (archive_write_close(disk.get()) != ARCHIVE_OK)
        throw Error("cannot finish extracting " + in.string() + ": " + archive_error_string(disk.get()));
}

DataTop read_tar_top(const std::filesystem::path &in) {
    auto reader = open_tar(in);
    DataTop top;
    archive_entry *entry = nullptr;
    for (;;) {
        int rc = archive_read_next_header(reader.get(), &entry);
        if (rc == ARCHIVE_EOF) break;
        std::filesystem::path rel = checked_entry_path(reader.get(), rc, entry, in);
        if (rel.empty()) continue;
        auto first = rel.begin()->string();
        bool nested = std::next(rel.begin()) != rel.end() && !std::next(rel.begin())->empty();
        if (nested || archive_entry_filetype(entry) == AE_IFDIR) {
            top.dirs.insert(first);
        } else if (data_top_files().count(first) && archive_entry_size(entry) < 65536) {
            std::string text(static_cast<size_t>(archive_entry_size(entry)), '\0');
            if (archive_read_data(reader.get(), text.data(), text.size()) != static_cast<la_ssize_t>(text.size()))
                throw Error("cannot read " + first + " in the tar " + in.string() + ": " + archive_error_string(reader.get()), "the archive is damaged");
            top.files[first] = text;
        }
    }
    return top;
}

bool looks_like_data_tar(const std::filesystem::path &file) {
    std::ifstream in(file, std::ios::binary);
    char header[512] = {};
    if (!in.read(header, sizeof header)) return false;
    if (std::memcmp(header + 257, "ustar", 5) != 0) return false;
    std::string first(header, strnlen(header, 100));
    return first != "toc.dat" && first != "./toc.dat";
}

} // namespace dspace
