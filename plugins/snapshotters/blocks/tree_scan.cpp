// Listing and removing a data directory.
#include "tree_scan.hpp"

#include "file_io.hpp"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <unistd.h>

namespace dspace::blocks {

char entry_type(const struct stat &st) {
    if (S_ISREG(st.st_mode)) return 'F';
    if (S_ISDIR(st.st_mode)) return 'D';
    if (S_ISLNK(st.st_mode)) return 'L';
    return '?';
}

namespace {

void scan_dir(const std::string &root, const std::string &relative, std::vector<LiveEntry> &out) {
    std::string dir_path = relative.empty() ? root : root + "/" + relative;
    DIR *dir = ::opendir(dir_path.c_str());
    if (!dir) {
        if (errno == ENOENT && !relative.empty()) return;
        throw_errno("cannot list " + dir_path);
    }
    std::vector<std::string> names;
    while (dirent *entry = ::readdir(dir)) {
        std::string name = entry->d_name;
        if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(dir);
    for (const auto &name : names) {
        LiveEntry entry;
        entry.path = relative.empty() ? name : relative + "/" + name;
        if (!lstat_if_exists(root + "/" + entry.path, entry.st)) continue;
        char type = entry_type(entry.st);
        if (type == '?') continue;
        out.push_back(entry);
        if (type == 'D') scan_dir(root, entry.path, out);
    }
}

} // namespace

std::vector<LiveEntry> scan_tree(const std::string &root) {
    std::vector<LiveEntry> out;
    scan_dir(root, "", out);
    std::sort(out.begin(), out.end(), [](const LiveEntry &a, const LiveEntry &b) { return a.path < b.path; });
    return out;
}

void remove_tree(const std::string &path) {
    struct stat st {};
    if (!lstat_if_exists(path, st)) return;
    if (S_ISDIR(st.st_mode)) {
        auto entries = scan_tree(path); // sorted: a directory before its children, so delete in reverse
        for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
            std::string full = path + "/" + it->path;
            if ((S_ISDIR(it->st.st_mode) ? ::rmdir(full.c_str()) : ::unlink(full.c_str())) != 0 && errno != ENOENT)
                throw_errno("cannot remove " + full);
        }
        if (::rmdir(path.c_str()) != 0) throw_errno("cannot remove " + path);
    } else if (::unlink(path.c_str()) != 0) throw_errno("cannot remove " + path);
}

} // namespace dspace::blocks
