// A private temporary file of SQL (it may hold a password), fed to the client as stdin.
#pragma once

#include <dspace/sdk/status.hpp>

#include <string>
#include <string_view>

namespace dspace::mysql {

//! A 0600 file in dir holding sql; removed when destroyed.
class SqlFile {
public:
    //! Writes sql to a new file in dir; check status() before use.
    SqlFile(const std::string &dir, std::string_view sql);
    ~SqlFile();
    SqlFile(const SqlFile &) = delete;
    SqlFile &operator=(const SqlFile &) = delete;

    //! Ok when the file was written; otherwise why not.
    const sdk::Status &status() const { return status_; }
    //! The file's path.
    const std::string &path() const { return path_; }

private:
    std::string path_;
    sdk::Status status_;
};

} // namespace dspace::mysql
