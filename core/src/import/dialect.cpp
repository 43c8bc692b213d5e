#include "dialect.hpp"

#include <dspace/core/error.hpp>

#include <chrono>

namespace dspace::import {

namespace {

std::string replace_all(std::string text, const std::string &from, const std::string &to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
    return text;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

std::string where_clause(const std::string &where) { return where.empty() ? "" : " WHERE (" + where + ")"; }

class PostgresDialect final : public Dialect {
public:
    explicit PostgresDialect(std::string tools) : tools_(std::move(tools)) {}
    std::string flavour() const override { return "postgres"; }

    sdk::Command query(const Endpoint &endpoint, const std::string &sql) const override {
        return connect(endpoint, {"psql", "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql});
    }
    sdk::Command run_script(const Endpoint &endpoint) const override {
        return connect(endpoint, {"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", "-"});
    }
    sdk::Command dump(const Endpoint &endpoint, const DumpScope &scope) const override {
        std::vector<std::string> args{"pg_dump", "--format=custom", "--no-owner", "--no-privileges"};
        if (scope.schema_only) args.push_back("--schema-only");
        for (const auto &table : scope.skip_data) args.push_back("--exclude-table-data=" + pattern(table));
        return connect(endpoint, args);
    }
    DumpFormat dump_format() const override { return DumpFormat::pg_custom; }
    sdk::Command restore(const Endpoint &endpoint, DumpFormat format, const std::string &path, bool schema_only) const override {
        if (format == DumpFormat::pg_plain) return run_script(endpoint);
        std::vector<std::string> args{"pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                                      "--dbname=" + endpoint.database};
        args.push_back(format == DumpFormat::pg_tar ? "--format=tar" : format == DumpFormat::pg_directory ? "--format=directory" : "--format=custom");
        if (schema_only) args.push_back("--schema-only");
        if (format == DumpFormat::pg_directory) args.push_back(path);
        return connect(endpoint, args);
    }
    std::optional<sdk::Command> check_archive(DumpFormat format, const std::string &path) const override {
        if (format == DumpFormat::pg_plain) return std::nullopt;
        sdk::Command command;
        command.argv = {tools_ + "/pg_restore", "--list", path};
        command.timeout = std::chrono::minutes(5);
        return command;
    }
    std::string tables_sql() const override {
        return "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
               "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname <> 'information_schema' "
               "AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2";
    }
    std::string foreign_keys_sql() const override {
        auto columns = [](const char *keys, const char *rel) {
            return std::string("(SELECT string_agg(quote_ident(a.attname), ',' ORDER BY k.i) FROM unnest(con.") + keys +
                   ") WITH ORDINALITY AS k(n, i) JOIN pg_attribute a ON a.attrelid = con." + rel + " AND a.attnum = k.n)";
        };
        return "SELECT cn.nspname, cc.relname, pn.nspname, pc.relname, " + columns("conkey", "conrelid") + ", " +
               columns("confkey", "confrelid") +
               " FROM pg_constraint con JOIN pg_class cc ON cc.oid = con.conrelid JOIN pg_namespace cn ON cn.oid = cc.relnamespace "
               "JOIN pg_class pc ON pc.oid = con.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace "
               "WHERE con.contype = 'f' AND con.conparentid = 0";
    }
    std::string default_schema(const Endpoint &) const override { return "public"; }
    std::string quote(const TableName &table) const override { return identifier(table.schema) + "." + identifier(table.name); }
    std::string drop_tables_sql(const std::vector<TableName> &tables) const override {
        return "DROP TABLE IF EXISTS " + list(tables) + " CASCADE;";
    }
    std::string mark_rows_sql(const TableName &table, const std::string &where, std::optional<std::uint64_t> limit) const override {
        std::string t = quote(table), set = "UPDATE " + t + " SET " + marker + " = true";
        if (!limit) return set + where_clause(where) + ";";
        return set + " WHERE ctid IN (SELECT ctid FROM " + t + where_clause(where) + " LIMIT " + std::to_string(*limit) + ");";
    }
    std::string keep_parents_sql(const ForeignKey &key) const override {
        return std::string("WITH marked AS (UPDATE ") + quote(key.parent) + " SET " + marker + " = true WHERE NOT " + marker + " AND (" +
               key.parent_columns + ") IN (SELECT " + key.child_columns + " FROM " + quote(key.child) + " WHERE " + marker +
               ") RETURNING 1) SELECT count(*) FROM marked;";
    }
    std::string delete_unmarked_sql(const std::vector<TableName> &tables) const override {
        std::string sql = "SET session_replication_role = replica;";
        for (const auto &table : tables) sql += " DELETE FROM " + quote(table) + " WHERE NOT " + marker + ";";
        for (const auto &table : tables) sql += " ALTER TABLE " + quote(table) + " DROP COLUMN " + marker + ";";
        return sql;
    }
    bool skip_line(std::string_view line) const override {
        // Ownership and grants of roles the new space does not have (pg_restore's --no-owner --no-privileges).
        if (line.empty() || line.back() != ';') return false;
        return (starts_with(line, "ALTER ") && line.find(" OWNER TO ") != std::string_view::npos) || starts_with(line, "GRANT ") ||
               starts_with(line, "REVOKE ");
    }
    std::string_view completion_marker() const override { return "-- PostgreSQL database dump complete"; }

private:
    static std::string identifier(const std::string &name) { return "\"" + replace_all(name, "\"", "\"\"") + "\""; }
    static std::string pattern(const TableName &table) { return identifier(table.schema) + "." + identifier(table.name); }
    std::string list(const std::vector<TableName> &tables) const {
        std::string out;
        for (const auto &table : tables) out += (out.empty() ? "" : ", ") + quote(table);
        return out;
    }
    sdk::Command connect(const Endpoint &endpoint, std::vector<std::string> args) const {
        sdk::Command command;
        args[0] = tools_ + "/" + args[0];
        command.argv = std::move(args);
        command.env = {{"PGHOST", endpoint.host},         {"PGPORT", std::to_string(endpoint.port)}, {"PGUSER", endpoint.user},
                       {"PGPASSWORD", endpoint.password}, {"PGDATABASE", endpoint.database},         {"PGCONNECT_TIMEOUT", "10"},
                       {"PGAPPNAME", "dspace import"}};
        command.secrets = {endpoint.password};
        command.cwd = "/";
        return command;
    }
    std::string tools_;
};

class MysqlDialect final : public Dialect {
public:
    explicit MysqlDialect(std::string tools) : tools_(std::move(tools)) {}
    std::string flavour() const override { return "mysql"; }

    sdk::Command query(const Endpoint &endpoint, const std::string &sql) const override {
        return connect(endpoint, "mariadb", {"--database=" + endpoint.database, "--batch", "--skip-column-names", "--execute=" + sql});
    }
    sdk::Command run_script(const Endpoint &endpoint) const override {
        return connect(endpoint, "mariadb", {"--database=" + endpoint.database, "--default-character-set=utf8mb4", "--batch"});
    }
    sdk::Command dump(const Endpoint &endpoint, const DumpScope &scope) const override {
        std::vector<std::string> args{"--single-transaction", "--routines", "--triggers", "--default-character-set=utf8mb4"};
        if (scope.schema_only) args.push_back("--no-data");
        args.push_back(endpoint.database);
        for (const auto &table : scope.only_tables) args.push_back(table.name);
        return connect(endpoint, "mariadb-dump", args);
    }
    DumpFormat dump_format() const override { return DumpFormat::mysql_plain; }
    sdk::Command restore(const Endpoint &endpoint, DumpFormat, const std::string &, bool) const override { return run_script(endpoint); }
    std::optional<sdk::Command> check_archive(DumpFormat, const std::string &) const override { return std::nullopt; }
    std::string tables_sql() const override {
        return "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
               "AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1, 2";
    }
    std::string foreign_keys_sql() const override {
        auto columns = [](const char *column) {
            return std::string("GROUP_CONCAT(CONCAT('`', REPLACE(") + column + ", '`', '``'), '`') ORDER BY ORDINAL_POSITION SEPARATOR ',')";
        };
        return "SELECT TABLE_SCHEMA, TABLE_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, " + columns("COLUMN_NAME") + ", " +
               columns("REFERENCED_COLUMN_NAME") +
               " FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL "
               "GROUP BY CONSTRAINT_SCHEMA, CONSTRAINT_NAME, TABLE_SCHEMA, TABLE_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME";
    }
    std::string default_schema(const Endpoint &endpoint) const override { return endpoint.database; }
    std::string quote(const TableName &table) const override { return identifier(table.schema) + "." + identifier(table.name); }
    std::string drop_tables_sql(const std::vector<TableName> &tables) const override {
        std::string names;
        for (const auto &table : tables) names += (names.empty() ? "" : ", ") + quote(table);
        return "SET FOREIGN_KEY_CHECKS = 0; DROP TABLE IF EXISTS " + names + "; SET FOREIGN_KEY_CHECKS = 1;";
    }
    std::string mark_rows_sql(const TableName &table, const std::string &where, std::optional<std::uint64_t> limit) const override {
        return "UPDATE " + quote(table) + " SET " + marker + " = TRUE" + where_clause(where) +
               (limit ? " LIMIT " + std::to_string(*limit) : "") + ";";
    }
    std::string keep_parents_sql(const ForeignKey &key) const override {
        // The derived table is materialised, so a table that references itself may be updated from it.
        return std::string("UPDATE ") + quote(key.parent) + " SET " + marker + " = TRUE WHERE NOT " + marker + " AND (" +
               key.parent_columns + ") IN (SELECT * FROM (SELECT " + key.child_columns + " FROM " + quote(key.child) + " WHERE " +
               marker + ") AS dspace_kept); SELECT ROW_COUNT();";
    }
    std::string delete_unmarked_sql(const std::vector<TableName> &tables) const override {
        std::string sql = "SET FOREIGN_KEY_CHECKS = 0;";
        for (const auto &table : tables) sql += " DELETE FROM " + quote(table) + " WHERE NOT " + marker + ";";
        for (const auto &table : tables) sql += " ALTER TABLE " + quote(table) + " DROP COLUMN " + marker + ";";
        return sql;
    }
    bool skip_line(std::string_view line) const override {
        // The dump's own database: the rows go into the space's database instead.
        return starts_with(line, "CREATE DATABASE ") || starts_with(line, "USE `");
    }
    std::string_view completion_marker() const override { return "-- Dump completed"; }

private:
    static std::string identifier(const std::string &name) { return "`" + replace_all(name, "`", "``") + "`"; }
    sdk::Command connect(const Endpoint &endpoint, const std::string &program, const std::vector<std::string> &args) const {
        sdk::Command command;
        command.argv = {tools_ + "/" + program, "--no-defaults", "--protocol=TCP", "--host=" + endpoint.host,
                        "--port=" + std::to_string(endpoint.port), "--user=" + endpoint.user};
        if (program == "mariadb") command.argv.push_back("--connect-timeout=10"); // mariadb-dump has no such option
        command.argv.insert(command.argv.end(), args.begin(), args.end());
        command.env = {{"MYSQL_PWD", endpoint.password}};
        command.secrets = {endpoint.password};
        command.cwd = "/";
        return command;
    }
    std::string tools_;
};

} // namespace

std::string Dialect::add_marker_sql(const TableName &table) const {
    return "ALTER TABLE " + quote(table) + " ADD COLUMN " + marker + " BOOLEAN NOT NULL DEFAULT FALSE;";
}

std::unique_ptr<Dialect> make_dialect(const std::string &flavour, const std::string &tools_dir) {
    if (flavour == "postgres") return std::make_unique<PostgresDialect>(tools_dir);
    if (flavour == "mysql") return std::make_unique<MysqlDialect>(tools_dir);
    throw Error("import does not know the tools of flavour '" + flavour + "'", "import reads PostgreSQL and MariaDB/MySQL sources");
}

} // namespace dspace::import
