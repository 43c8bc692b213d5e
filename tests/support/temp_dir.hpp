// A fresh temporary directory for one test, removed with everything in it when the test ends.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <sys/stat.h>

namespace dspace_test {

//! Creates /tmp/<prefix>XXXXXX (mode 0700, or mode: 0711 lets a server user pass through) and removes it,
//! recursively, on destruction.
class TempDir {
public:
    explicit TempDir(const std::string &prefix = "dspace-test-", mode_t mode = 0700) {
        std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a temporary directory " + pattern);
        path_ = pattern;
        if (::chmod(path_.c_str(), mode) != 0) throw std::runtime_error("cannot set the mode of " + pattern);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    //! The directory.
    const std::filesystem::path &path() const { return path_; }

private:
    std::filesystem::path path_;
};

} // namespace dspace_test
