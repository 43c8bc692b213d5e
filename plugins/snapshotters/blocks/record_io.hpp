// Buffered little-endian record files: the block lists, pack indexes and state files are written and read with these.
#pragma once

#include "file_io.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace dspace::blocks {

//! Appends records to a new file through a 1 MiB buffer; bytes already written can be patched.
class RecordWriter {
public:
    //! Creates path (must not exist) with mode 0600.
    explicit RecordWriter(const std::string &path);
    //! Appends raw bytes.
    void bytes(const void *data, std::size_t size);
    //! Appends an unsigned integer of N bytes, little-endian.
    template <typename T>
    void integer(T value) {
        unsigned char raw[sizeof(T)];
        for (std::size_t i = 0; i < sizeof(T); ++i) raw[i] = static_cast<unsigned char>(std::uint64_t(value) >> (8 * i));
        bytes(raw, sizeof raw);
    }
    //! Appends a string as a u32 length and its bytes.
    void text(const std::string &value);
    //! Overwrites size bytes at offset (already appended).
    void patch(std::uint64_t offset, const void *data, std::size_t size);
    //! Bytes appended so far.
    std::uint64_t offset() const { return flushed_ + buffer_.size(); }
    //! Writes the buffer out and fsyncs the file when sync.
    void finish(bool sync);
    //! Writes the buffer out and counts size more bytes as appended by other means (cloned into the file at
    //! offset() by the caller); returns the file's descriptor for that.
    int append_externally(std::uint64_t size);
    //! The file's path.
    const std::string &path() const { return path_; }

private:
    void flush();
    std::string path_;
    Fd fd_;
    std::vector<unsigned char> buffer_;
    std::uint64_t flushed_ = 0;
    std::uint64_t written_back_ = 0; //!< bytes handed to the disk's writeback (sync_file_range) so far
};

//! Reads records from a file through a 1 MiB buffer; can seek.
class RecordReader {
public:
    //! Opens path for reading.
    explicit RecordReader(const std::string &path);
    //! Reads exactly size bytes; throws at end of file (the file is truncated or damaged).
    void bytes(void *data, std::size_t size);
    //! Reads an unsigned integer of sizeof(T) bytes, little-endian.
    template <typename T>
    T integer() {
        unsigned char raw[sizeof(T)];
        bytes(raw, sizeof raw);
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < sizeof(T); ++i) value |= std::uint64_t(raw[i]) << (8 * i);
        return static_cast<T>(value);
    }
    //! Reads a string written by RecordWriter::text.
    std::string text();
    //! The position of the next byte.
    std::uint64_t offset() const { return start_ + pos_; }
    //! Moves to offset.
    void seek(std::uint64_t offset);
    //! True when no byte is left.
    bool at_end();
    //! The file's path.
    const std::string &path() const { return path_; }

private:
    bool fill();
    std::string path_;
    Fd fd_;
    std::vector<unsigned char> buffer_;
    std::uint64_t start_ = 0; //!< file offset of buffer_[0]
    std::size_t pos_ = 0, size_ = 0;
};

} // namespace dspace::blocks
