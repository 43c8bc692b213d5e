#include "dump_feeder.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>
#include <zlib.h>

namespace dspace::import {

bool DumpFeeder::write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false; // EPIPE: the restoring program stopped reading; its own error says why
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

bool DumpFeeder::write_lines(int fd, bool at_end) {
    std::string_view text = pending_;
    std::string kept;
    size_t start = 0;
    while (start < text.size()) {
        size_t newline = text.find('\n', start);
        if (newline == std::string_view::npos && !at_end) break;
        size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
        std::string_view line = text.substr(start, end - start);
        std::string_view bare = line.substr(0, line.find_last_not_of("\r\n") + 1);
        if (bare.substr(0, filter_->completion_marker().size()) == filter_->completion_marker()) complete_ = true;
        if (!filter_->skip_line(bare)) kept.append(line);
        start = end;
    }
    pending_.erase(0, start);
    return write_all(fd, kept);
}

void DumpFeeder::operator()(int fd) {
    complete_ = filter_ == nullptr;
    gzFile in = ::gzopen(path_.c_str(), "rb"); // reads an uncompressed file as it is
    if (in == nullptr) {
        read_error_ = std::string("cannot open it: ") + std::strerror(errno);
        return;
    }
    ::gzbuffer(in, 1 << 17);
    std::string chunk(1 << 17, '\0');
    long reported = 0;
    bool reading = true;
    while (reading) {
        int n = ::gzread(in, chunk.data(), static_cast<unsigned>(chunk.size()));
        int code = Z_OK;
        const char *why = ::gzerror(in, &code); // a cut gzip stream: Z_BUF_ERROR "unexpected end of file"
        if (n < 0 || code != Z_OK) {
            read_error_ = why != nullptr && *why ? why : "read error";
            break;
        }
        if (n == 0) break;
        long offset = ::gzoffset(in);
        if (offset > reported) progress_.advance(static_cast<std::uint64_t>(offset - reported));
        reported = std::max(reported, offset);
        if (filter_ == nullptr) reading = write_all(fd, std::string_view(chunk.data(), static_cast<size_t>(n)));
        else {
            pending_.append(chunk.data(), static_cast<size_t>(n));
            reading = write_lines(fd, false);
        }
    }
    if (reading && read_error_.empty() && filter_ != nullptr) write_lines(fd, true);
    ::gzclose(in);
}

} // namespace dspace::import
