#include "mysql_sql_file.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <unistd.h>
#include <vector>

namespace dspace::mysql {

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
    size_t written = 0;
    while (written < sql.size()) {
        ssize_t n = ::write(fd, sql.data() + written, sql.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            status_ = sdk::Status::failure("cannot write " + path_ + ": " + std::strerror(errno), "check free disk space");
            break;
        }
        written += static_cast<size_t>(n);
    }
    ::close(fd);
}

SqlFile::~SqlFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
}

} // namespace dspace::mysql
