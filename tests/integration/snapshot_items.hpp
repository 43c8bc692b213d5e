// Shared by the snapshot integration tests: the table items they fill, change and compare, per flavour.
#pragma once

#include "support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace snapshot_test {

using dspace_test::FlavourSql;
using dspace_test::TestHome;

//! The flavours installed here; prints why one is skipped.
inline std::vector<FlavourSql> installed_flavours() {
    std::vector<FlavourSql> out{dspace_test::postgres_sql()};
    if (dspace_test::mariadb_installed()) out.push_back(dspace_test::mysql_sql());
    else WARN("MariaDB is not installed (apt-get install mariadb-server): its snapshot tests are skipped");
    return out;
}

//! Creates and fills the table items (200 rows) in space.
inline void fill_items(const TestHome &home, const FlavourSql &sql, const std::string &space) {
    const char *fill = sql.flavour == "mysql"
                           ? "create table items(id int primary key, name text); insert into items select seq, concat('n', seq) from seq_1_to_200"
                           : "create table items(id int primary key, name text); insert into items select g, 'n' || g from generate_series(1, 200) g";
    dspace_test::query(home, sql, space, fill);
}

//! The rows and the column count of items: what a rollback must bring back exactly.
inline std::string items_state(const TestHome &home, const FlavourSql &sql, const std::string &space) {
    return dspace_test::query(home, sql, space, "select count(*) from information_schema.columns where table_name = 'items'") +
           dspace_test::query(home, sql, space, "select id, name from items order by id");
}

//! Creates space of the flavour with a filled table items; returns items_state.
inline std::string create_with_items(const TestHome &home, const FlavourSql &sql, const std::string &space) {
    home.ok({"create", space, "--flavour", sql.flavour});
    fill_items(home, sql, space);
    return items_state(home, sql, space);
}

//! The change a test rolls back: schema and rows.
inline const char *change_items = "alter table items add column extra int; update items set name = 'changed' where id < 50; "
                                  "delete from items where id > 150";

//! Takes snapshot snap of space, then changes items (change_items); returns the changed items_state.
inline std::string snapshot_then_change(const TestHome &home, const FlavourSql &sql, const std::string &space, const std::string &snap) {
    home.ok({"snapshot", space, snap});
    dspace_test::query(home, sql, space, change_items);
    return items_state(home, sql, space);
}

} // namespace snapshot_test
