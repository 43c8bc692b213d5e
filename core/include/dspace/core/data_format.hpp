// The forms a space's data takes outside dspace: `dspace export` writes them, `dspace create --from` reads them.
#pragma once

#include <string>

namespace dspace {

//! A form of a space's data outside dspace.
enum class DataFormat {
    pgdata, //!< a data directory the server starts on (PostgreSQL's PGDATA, MariaDB's datadir)
    tar,    //!< that directory as a tar archive (pg_basebackup's base.tar layout)
    dump,   //!< a logical dump (pg_dump custom format; mariadb-dump SQL)
};

//! "pgdata", "tar" or "dump".
const char *to_string(DataFormat format);
//! The format named text; throws UsageError listing the formats otherwise.
DataFormat parse_data_format(const std::string &text);

} // namespace dspace
