// Private temporary files of SQL for the MariaDB tools: a named one a script reads by path (SqlFile, never
// holding a secret), and an unnamed one fed to the client as stdin (SqlStdin, for SQL holding a password).
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

//! SQL holding a secret, fed to a client as stdin from a file that has no name (O_TMPFILE in dir, else a 0600
//! file unlinked as soon as it is open): a killed dspace leaves no file holding it.
class SqlStdin {
public:
    //! Writes sql to a new unnamed file in dir; check status() before use.
    SqlStdin(const std::string &dir, std::string_view sql);
    ~SqlStdin();
    SqlStdin(const SqlStdin &) = delete;
    SqlStdin &operator=(const SqlStdin &) = delete;

    //! Ok when the file was written; otherwise why not.
    const sdk::Status &status() const { return status_; }
    //! What to put in Command::stdin_file: /proc/self/fd/N, which the child opens before exec.
    std::string stdin_file() const { return "/proc/self/fd/" + std::to_string(fd_); }

private:
    int fd_ = -1;
    sdk::Status status_;
};

} // namespace dspace::mysql
