// What dspace knows of the data directories of the shipped flavours, so it can export one and adopt one made
// elsewhere. The SDK has no hook for this, so it is a small table keyed by flavour name (as server_settings.cpp).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <sys/types.h>
#include <vector>

namespace dspace {

//! One flavour's data directories.
struct DataDirKind {
    std::string flavour;                   //!< the flavour plugin's name ("postgres", "mysql")
    std::string engine;                    //!< the engine as messages name it ("PostgreSQL", "MariaDB")
    std::string superuser;                 //!< the administrative user a directory made elsewhere holds
    std::vector<std::string> dspace_files; //!< files a dspace server leaves in its data directory, dropped on export
};

//! The top level of a data directory as far as adoption needs it, read from the directory or from a tar of it.
struct DataTop {
    std::set<std::string> dirs;               //!< top-level directories
    std::map<std::string, std::string> files; //!< the small top-level files dspace reads (data_top_files) that exist: their text
};
//! The top-level files a DataTop holds: PG_VERSION, mysql_upgrade_info, dspace-data.json.
const std::set<std::string> &data_top_files();
//! The DataTop of the directory dir.
DataTop read_data_top(const std::filesystem::path &dir);

//! The kind of data directory top is by its marker (a PG_VERSION file; a mysql/ directory); nullopt when neither.
std::optional<DataDirKind> data_dir_kind(const DataTop &top);
//! The kind of flavour's data directories; throws Error when dspace knows none.
DataDirKind data_dir_kind_of(const std::string &flavour);
//! The server version that wrote the data ("15", "10.11"), or empty when the directory does not record it.
std::string data_dir_version(const DataDirKind &kind, const DataTop &top);
//! True when installed (e.g. "15", "10.11.6") is a server of version (e.g. "15", "10.11").
bool version_matches(const std::string &installed, const std::string &version);
//! The pid of a server running on dir according to its pid file, or 0 when none runs.
pid_t running_server(const DataDirKind &kind, const std::filesystem::path &dir);
//! The database a space adopting dir opens when none is named: PostgreSQL's `postgres`; for MariaDB the only
//! user database in top, else empty (the space's name).
std::string default_database(const DataDirKind &kind, const DataTop &top);

} // namespace dspace
