// The tools and SQL of one flavour that import needs: dump, restore, catalog queries, row trimming.
// Connections go through an Endpoint; passwords reach the tools through their environment, never argv.
#pragma once

#include "dump_format.hpp"
#include "source_url.hpp"
#include "subset.hpp"

#include <dspace/sdk/host.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dspace::import {

//! What a dump of a live server holds.
struct DumpScope {
    bool schema_only = false;           //!< no rows at all
    std::vector<TableName> skip_data;   //!< tables whose rows are left out (schema kept)
    std::vector<TableName> only_tables; //!< when not empty, only these tables (flavours without separate types)
};

//! One flavour's import tools and SQL.
class Dialect {
public:
    virtual ~Dialect() = default;
    //! The flavour this dialect serves.
    virtual std::string flavour() const = 0;
    //! A command that runs sql on endpoint and prints its rows, one a line, columns separated by tabs.
    virtual sdk::Command query(const Endpoint &endpoint, const std::string &sql) const = 0;
    //! A command that runs the SQL script read on stdin against endpoint, stopping at the first error
    //! (in one transaction where the engine allows).
    virtual sdk::Command run_script(const Endpoint &endpoint) const = 0;
    //! A command that writes a dump of endpoint's database to stdout, in dump_format().
    virtual sdk::Command dump(const Endpoint &endpoint, const DumpScope &scope) const = 0;
    //! The format dump() writes.
    virtual DumpFormat dump_format() const = 0;
    //! A command that restores a dump of format into endpoint: from stdin, or from path for a directory dump.
    virtual sdk::Command restore(const Endpoint &endpoint, DumpFormat format, const std::string &path, bool schema_only) const = 0;
    //! A command that reads the table of contents of an archive of format at path (pg_restore --list); nullopt
    //! when the format has none (plain SQL).
    virtual std::optional<sdk::Command> check_archive(DumpFormat format, const std::string &path) const = 0;
    //! The base tables of the database: rows of schema, name.
    virtual std::string tables_sql() const = 0;
    //! The foreign keys between them: rows of child schema, child name, parent schema, parent name, child columns, parent columns.
    virtual std::string foreign_keys_sql() const = 0;
    //! The schema a bare table name means (PostgreSQL: public; MariaDB: the database).
    virtual std::string default_schema(const Endpoint &endpoint) const = 0;
    //! table quoted for SQL.
    virtual std::string quote(const TableName &table) const = 0;
    //! SQL that drops tables (and what depends on them).
    virtual std::string drop_tables_sql(const std::vector<TableName> &tables) const = 0;
    //! SQL that adds the keep marker column to table.
    std::string add_marker_sql(const TableName &table) const;
    //! SQL that marks the rows of table to keep: all, or those matching where (may be empty) up to limit.
    virtual std::string mark_rows_sql(const TableName &table, const std::string &where, std::optional<std::uint64_t> limit) const = 0;
    //! SQL that marks the parent rows of key referenced by kept child rows; its last row holds how many it newly marked.
    virtual std::string keep_parents_sql(const ForeignKey &key) const = 0;
    //! SQL that deletes the unmarked rows of tables (foreign-key checks off) and drops the marker columns.
    virtual std::string delete_unmarked_sql(const std::vector<TableName> &tables) const = 0;
    //! True when a plain dump's line is left out: ownership and grants of roles the target lacks, or a database switch.
    virtual bool skip_line(std::string_view line) const = 0;
    //! The comment a complete plain dump of this flavour ends with.
    virtual std::string_view completion_marker() const = 0;
    //! The name of the marker column.
    static constexpr const char *marker = "dspace_import_keep";
};

//! The dialect of flavour, whose tools are in tools_dir (the directory of the flavour's client program).
std::unique_ptr<Dialect> make_dialect(const std::string &flavour, const std::string &tools_dir);

} // namespace dspace::import
