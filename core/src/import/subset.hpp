// A table subset: the tables asked for, the tables their foreign keys need, and the fixed point that keeps
// parent rows of kept rows. Pure logic over names and edges; the SQL lives in dialect.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace dspace::import {

//! A table as the source's catalog names it.
struct TableName {
    std::string schema; //!< PostgreSQL schema, or the MariaDB database
    std::string name;   //!< the table's name
    //! "schema.name".
    std::string qualified() const { return schema + "." + name; }
    auto operator<=>(const TableName &) const = default; //!< ordered by schema, then name
};

//! One foreign key: rows of child reference rows of parent.
struct ForeignKey {
    TableName child;            //!< the referencing table
    TableName parent;           //!< the referenced table
    std::string child_columns;  //!< the referencing columns, quoted for SQL, comma separated
    std::string parent_columns; //!< the referenced columns, in the same order
};

//! The catalog tables that requested names ("name" or "schema.name") denote. A bare name matches the table of
//! that name in preferred_schema first, else the only table of that name. Throws Error naming every
//! requested table that is not in the source (or is ambiguous), with the hint of the tables there are.
std::set<TableName> resolve_tables(const std::vector<std::string> &requested, const std::vector<TableName> &available,
                                   const std::string &preferred_schema);

//! tables plus every table reachable from them through foreign keys (child to parent), transitively.
//! Terminates on cycles (each table is visited once).
std::set<TableName> foreign_key_closure(const std::set<TableName> &tables, const std::vector<ForeignKey> &keys);

//! Calls keep_parents(key) for every key between tables of subset, pass after pass, until a whole pass marks
//! no new row (keep_parents returns how many rows it newly marked). Row sets only grow and are finite, so
//! this ends, also on cycles. Returns the number of passes.
int keep_parents_until_stable(const std::set<TableName> &subset, const std::vector<ForeignKey> &keys,
                              const std::function<std::uint64_t(const ForeignKey &)> &keep_parents);

} // namespace dspace::import
