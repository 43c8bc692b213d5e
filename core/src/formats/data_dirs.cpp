#include "data_dirs.hpp"
#include "data_label.hpp"

#include <dspace/core/error.hpp>

#include <csignal>
#include <cerrno>
#include <fstream>
#include <iterator>

namespace dspace {

namespace {

const std::vector<DataDirKind> &kinds() {
    static const std::vector<DataDirKind> table = {
        {"postgres", "PostgreSQL", "postgres", {"dspace.conf", "postmaster.pid", "postmaster.opts"}},
        {"mysql", "MariaDB", "root", {}},
    };
    return table;
}

//! The first line of text, without surrounding white space.
std::string first_line_of(const std::string &text) {
    std::string line = text.substr(0, text.find('\n'));
    auto begin = line.find_first_not_of(" \t\r");
    auto end = line.find_last_not_of(" \t\r");
    return begin == std::string::npos ? std::string() : line.substr(begin, end - begin + 1);
}

//! The first line of file, without surrounding white space; empty when it cannot be read.
std::string first_line(const std::filesystem::path &file) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    return first_line_of(line);
}

//! The text of top's file name, or empty.
std::string top_file(const DataTop &top, const std::string &name) {
    auto it = top.files.find(name);
    return it == top.files.end() ? std::string() : it->second;
}

//! The pid in the first line of file when that process exists, else 0.
pid_t live_pid(const std::filesystem::path &file) {
    std::string text = first_line(file);
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 9) return 0;
    pid_t pid = static_cast<pid_t>(std::stol(text));
    return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM) ? pid : 0;
}

} // namespace

const std::set<std::string> &data_top_files() {
    static const std::set<std::string> names = {"PG_VERSION", "mysql_upgrade_info", data_label_file};
    return names;
}

DataTop read_data_top(const std::filesystem::path &dir) {
    DataTop top;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec)) {
        std::string name = entry.path().filename().string();
        if (entry.is_symlink(ec)) continue;
        if (entry.is_directory(ec)) top.dirs.insert(name);
        else if (data_top_files().count(name) && entry.is_regular_file(ec) && entry.file_size(ec) < 65536) {
            std::ifstream in(entry.path(), std::ios::binary);
            top.files[name] = std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
    }
    if (ec) throw Error("cannot read the directory " + dir.string() + ": " + ec.message(), "check its permissions");
    return top;
}

std::optional<DataDirKind> data_dir_kind(const DataTop &top) {
    if (top.files.count("PG_VERSION")) return data_dir_kind_of("postgres");
    if (top.dirs.count("mysql")) return data_dir_kind_of("mysql");
    return std::nullopt;
}

DataDirKind data_dir_kind_of(const std::string &flavour) {
    for (const auto &kind : kinds())
        if (kind.flavour == flavour) return kind;
    throw Error("dspace cannot export or adopt data directories of flavour '" + flavour + "'",
                "use --format dump, which goes through the flavour's own dump tool");
}

std::string data_dir_version(const DataDirKind &kind, const DataTop &top) {
    if (kind.flavour == "postgres") return first_line_of(top_file(top, "PG_VERSION"));
    // mysql_upgrade_info holds e.g. "10.11.6-MariaDB"; its major.minor is the data's format.
    std::string full = first_line_of(top_file(top, "mysql_upgrade_info"));
    auto first_dot = full.find('.');
    if (first_dot == std::string::npos) return {};
    auto end = full.find_first_not_of("0123456789", first_dot + 1);
    return full.substr(0, end);
}

bool version_matches(const std::string &installed, const std::string &version) {
    return !version.empty() && (installed == version || installed.rfind(version + ".", 0) == 0);
}

pid_t running_server(const DataDirKind &kind, const std::filesystem::path &dir) {
    if (kind.flavour == "postgres") return live_pid(dir / "postmaster.pid");
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec))
        if (entry.path().extension() == ".pid")
            if (pid_t pid = live_pid(entry.path())) return pid;
    return 0;
}

std::string default_database(const DataDirKind &kind, const DataTop &top) {
    if (kind.flavour == "postgres") return "postgres";
    static const std::set<std::string> system = {"mysql", "performance_schema", "sys", "information_schema", "lost+found"};
    std::vector<std::string> found;
    for (const auto &name : top.dirs)
        if (!system.count(name) && name[0] != '#' && name[0] != '.') found.push_back(name);
    return found.size() == 1 ? found.front() : std::string();
}

} // namespace dspace
