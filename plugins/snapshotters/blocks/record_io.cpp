// Buffered record files.
#include "record_io.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace dspace::blocks {

namespace {
constexpr std::size_t buffer_size = 1 << 20;
//! How much a writer appends between asking the kernel to start writing it to disk.
constexpr std::uint64_t writeback_bytes = 8 << 20;
}

RecordWriter::RecordWriter(const std::string &path)
    : path_(path), fd_(open_checked(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600)) {
    buffer_.reserve(buffer_size);
}

void RecordWriter::bytes(const void *data, std::size_t size) {
    const auto *p = static_cast<const unsigned char *>(data);
    if (buffer_.size() + size > buffer_size) flush();
    if (size >= buffer_size) {
        pwrite_all(fd_.get(), p, size, flushed_, path_);
        flushed_ += size;
        return;
    }
    buffer_.insert(buffer_.end(), p, p + size);
}

void RecordWriter::text(const std::string &value) {
    integer<std::uint32_t>(std::uint32_t(value.size()));
    bytes(value.data(), value.size());
}

void RecordWriter::patch(std::uint64_t offset, const void *data, std::size_t size) {
    const auto *p = static_cast<const unsigned char *>(data);
    for (std::size_t i = 0; i < size; ++i) {
        std::uint64_t at = offset + i;
        if (at >= flushed_) buffer_.at(at - flushed_) = p[i];
        else pwrite_all(fd_.get(), p + i, 1, at, path_);
    }
}

void RecordWriter::flush() {
    if (buffer_.empty()) return;
    pwrite_all(fd_.get(), buffer_.data(), buffer_.size(), flushed_, path_);
    flushed_ += buffer_.size();
    buffer_.clear();
    if (flushed_ - written_back_ >= writeback_bytes) { // start writing to disk now, so that finish's fsync has little left
        if (::sync_file_range(fd_.get(), off_t(written_back_), off_t(flushed_ - written_back_), SYNC_FILE_RANGE_WRITE) != 0 &&
            errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
            throw_errno("cannot write " + path_ + " out");
        written_back_ = flushed_;
    }
}

int RecordWriter::append_externally(std::uint64_t size) {
    flush();
    flushed_ += size;
    return fd_.get();
}

void RecordWriter::finish(bool sync) {
    flush();
    if (sync && ::fsync(fd_.get()) != 0) throw_errno("cannot fsync " + path_);
}

RecordReader::RecordReader(const std::string &path) : path_(path), fd_(open_checked(path, O_RDONLY | O_NOFOLLOW)) {
    buffer_.resize(buffer_size);
}

bool RecordReader::fill() {
    start_ += size_;
    pos_ = 0;
    size_ = pread_some(fd_.get(), buffer_.data(), buffer_.size(), start_, path_);
    return size_ > 0;
}

void RecordReader::bytes(void *data, std::size_t size) {
    auto *out = static_cast<unsigned char *>(data);
    while (size > 0) {
        if (pos_ == size_ && !fill()) throw BlockError(path_ + " ends too early: it is truncated or damaged", "run `dspace snapshot verify`");
        std::size_t n = std::min(size, size_ - pos_);
        std::memcpy(out, buffer_.data() + pos_, n);
        pos_ += n;
        out += n;
        size -= n;
    }
}

std::string RecordReader::text() {
    auto size = integer<std::uint32_t>();
    if (size > (1u << 20)) throw BlockError(path_ + " holds an implausible string length: it is damaged", "run `dspace snapshot verify`");
    std::string out(size, '\0');
    bytes(out.data(), size);
    return out;
}

void RecordReader::seek(std::uint64_t offset) {
    if (offset >= start_ && offset <= start_ + size_) {
        pos_ = std::size_t(offset - start_);
        return;
    }
    start_ = offset;
    pos_ = size_ = 0;
}

bool RecordReader::at_end() { return pos_ == size_ && !fill(); }

} // namespace dspace::blocks
