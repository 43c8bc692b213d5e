// Streams a dump file into the pipe of the program that restores it, counting the bytes read for progress.
#pragma once

#include "dialect.hpp"

#include <dspace/sdk/host.hpp>

#include <filesystem>
#include <string>

namespace dspace::import {

//! Feeds a dump file to a pipeline (use it as the StdinFeeder): gunzips it when it is compressed and, for plain
//! SQL (filter set), leaves out the lines filter->skip_line() names and watches for its completion comment.
class DumpFeeder {
public:
    //! filter is null for archives (fed byte for byte); progress counts the bytes of the file read.
    DumpFeeder(std::filesystem::path path, const Dialect *filter, sdk::ProgressTask &progress)
        : path_(std::move(path)), filter_(filter), progress_(progress) {}
    //! Writes the dump into fd.
    void operator()(int fd);
    //! Why reading the file failed (a truncated gzip stream, a read error); empty when it was read to its end.
    const std::string &read_error() const { return read_error_; }
    //! True when a plain dump's completion comment was seen (always true for archives).
    bool complete() const { return complete_; }

private:
    //! Writes bytes to fd; false when the reader is gone.
    bool write_all(int fd, std::string_view bytes);
    //! Writes the complete lines at the start of pending_ that are kept, removing them from pending_.
    bool write_lines(int fd, bool at_end);

    std::filesystem::path path_;
    const Dialect *filter_;
    sdk::ProgressTask &progress_;
    std::string pending_, read_error_;
    bool complete_ = false;
};

} // namespace dspace::import
