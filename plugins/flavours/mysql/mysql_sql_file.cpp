#include "mysql_sql_file.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

namespace dspace::mysql {

namespace {

//! Writes all of sql to fd; a failure names path.
sdk::Status write_all(int fd, std::string_view sql, const std::string &path) {
    size_t written = 0;
    while (written < sql.size()) {
        ssize_t n = ::write(fd, sql.data() + written, sql.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return sdk::Status::failure("cannot write " + path + ": " + std::strerror(errno), "check free disk space");
        written += static_cast<size_t>(n);
    }
    return {};
}

} // namespace

SqlStdin::SqlStdin(const std::string &dir, std::string_view sql) {
    fd_ = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ < 0) { // a file system without O_TMPFILE: a named file, unlinked at once
        std::string pattern = dir + "/sql-XXXXXX";
        std::vector<char> name(pattern.begin(), pattern.end());
        name.push_back('\0');
        fd_ = ::mkostemp(name.data(), O_CLOEXEC);
        if (fd_ >= 0) ::unlink(name.data());
    }
    if (fd_ < 0) {
        status_ = sdk::Status::failure("cannot create a temporary file in " + dir + ": " + std::strerror(errno),
                                       "check that the directory exists and is writable");
        return;
    }
    status_ = write_all(fd_, sql, "a temporary file in " + dir);
}

SqlStdin::~SqlStdin() {
    if (fd_ >= 0) ::close(fd_);
}

SqlFile::SqlFile(const std::string &dir, std::string_view sql) {
    std::string pattern = dir + "/sql-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    int fd = ::mkstemp(name.data()); // mode 0600
    if (fd < 0) {
        status_ = sdk::Status::failure("cannot create a temporary file in " + dir + ": " + std::strerror(errno),
                                       "check that the directory exists and is writable");
        return;
    }
    path_ = name.data();
    status_ = write_all(fd, sql, path_);
    ::close(fd);
}

SqlFile::~SqlFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
}

} // namespace dspace::mysql
