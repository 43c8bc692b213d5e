// Progress of a copy made by an external program: a thread compares the bytes written under the
// target with the bytes under the source and reports them to the host, until the copy ends.
#pragma once

#include <dspace/sdk/host.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

namespace dspace::rsync {

//! Bytes in the regular files below root; 0 when it cannot be read.
inline std::uint64_t bytes_below(const std::filesystem::path &root) {
    std::uint64_t total = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(root, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code size_ec;
        if (it->is_regular_file(size_ec)) total += it->file_size(size_ec);
    }
    return total;
}

//! Reports how far a copy from `from` into `to` has got, while it lives (the host draws a bar on a terminal).
class CopyProgress {
public:
    CopyProgress(sdk::Progress &progress, const std::string &label, const std::string &from, const std::string &to)
        : progress_(progress), to_(to) {
        progress_.begin(label, bytes_below(from));
        watcher_ = std::thread([this] { watch(); });
    }
    ~CopyProgress() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            done_ = true;
        }
        wake_.notify_all();
        watcher_.join();
        progress_.end();
    }
    CopyProgress(const CopyProgress &) = delete;
    CopyProgress &operator=(const CopyProgress &) = delete;

private:
    void watch() {
        std::uint64_t reported = 0;
        std::unique_lock<std::mutex> lock(mutex_);
        while (!wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return done_; })) {
            std::uint64_t now = bytes_below(to_);
            if (now > reported) progress_.advance(now - reported);
            reported = std::max(reported, now);
        }
    }

    sdk::Progress &progress_;
    std::string to_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    std::thread watcher_;
};

} // namespace dspace::rsync
