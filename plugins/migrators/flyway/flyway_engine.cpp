// The built-in Flyway engine (see flyway_engine.hpp).
#include "flyway/flyway_engine.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace dspace::migrators::flyway {

namespace {

constexpr const char *table = "flyway_schema_history";
const char *const known_options[] = {"-baselineOnMigrate=", "-baselineVersion=", "-baselineDescription=", "-placeholders."};

//! Flyway's own DDL for its history table (the same on PostgreSQL and MariaDB).
std::string create_table_sql() {
    return std::string("CREATE TABLE ") + table +
           " (installed_rank INT NOT NULL, version VARCHAR(50), description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL,"
           " script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL,"
           " installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, execution_time INT NOT NULL, success BOOLEAN NOT NULL,"
           " CONSTRAINT " + table + "_pk PRIMARY KEY (installed_rank));\n"
           "CREATE INDEX " + table + "_s_idx ON " + table + " (success);\n";
}

//! "VERSION description" or "R description", as status lists a migration.
std::string entry(const std::string &version, const std::string &description) {
    return (version.empty() ? std::string("R") : version) + " " + description;
}

} // namespace

sdk::Result<Engine> Engine::open(sdk::Host &host, const sdk::MigrationRequest &request) {
    Engine engine(host, request);
    if (!request.flavour_plugin)
        return sdk::Status::failure("the built-in Flyway engine needs dspace 1.1 or newer (the request carries no flavour)",
                                    "update dspace, or install the flyway CLI");
    if (request.flavour != "postgres" && request.flavour != "mysql")
        return sdk::Status::failure("the built-in Flyway engine drives psql and mariadb only, not flavour " + request.flavour,
                                    "install the flyway CLI (flywaydb.org) or set config migrators.flyway.program");
    engine.postgres_ = request.flavour == "postgres";
    for (const auto &arg : request.extra_args) {
        bool known = false;
        for (const char *prefix : known_options) known = known || arg.rfind(prefix, 0) == 0;
        if (!known)
            return sdk::Status::failure("the built-in Flyway engine does not know the option " + arg,
                                        "it takes -placeholders.NAME=VALUE, -baselineOnMigrate=true, -baselineVersion=V, -baselineDescription=TEXT");
    }
    auto scripts = scan_folder(request.folder);
    if (!scripts) return scripts.status();
    engine.scripts_ = std::move(*scripts);
    if (auto read = engine.read_history(); !read.ok()) return read;
    return engine;
}

std::string Engine::option(const std::string &name, const std::string &fallback) const {
    for (const auto &arg : request_.extra_args)
        if (arg.rfind("-" + name + "=", 0) == 0) return arg.substr(name.size() + 2);
    return fallback;
}

std::string Engine::literal(const std::string &text) const {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += "''";
        else if (c == '\\' && !postgres_) out += "\\\\";
        else out += c;
    }
    return out + "'";
}

sdk::Result<std::string> Engine::run_sql(const std::string &sql, const std::string &what, bool transaction) const {
    std::filesystem::path dir = request_.server.data_dir.empty() ? std::filesystem::path(host_.cache_dir("flyway"))
                                                                 : std::filesystem::path(request_.server.data_dir).parent_path();
    std::filesystem::path file = dir / "flyway-migrate.sql";
    if (auto written = host_.write_private_file(file.string(), sql, 0600, ""); !written.ok()) return written;
    std::vector<std::string> args = postgres_ ? std::vector<std::string>{"-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-f", file.string()}
                                              : std::vector<std::string>{"-B", "-N"};
    if (postgres_ && transaction) args.insert(args.begin(), "--single-transaction");
    sdk::Command command = request_.flavour_plugin->client_command(request_.server, args);
    if (!postgres_) command.stdin_file = file.string();
    auto ran = host_.processes().run(command);
    std::error_code ec;
    std::filesystem::remove(file, ec);
    if (!ran) return ran.status();
    if (!ran->succeeded())
        return sdk::Status::failure(what + " failed:\n" + (ran->err.empty() ? ran->out : ran->err), "fix the SQL and run migrate again");
    return ran->out;
}

sdk::Status Engine::read_history() {
    std::string schema = postgres_ ? "current_schema()" : "database()";
    auto exists = run_sql("SELECT count(*) FROM information_schema.tables WHERE table_schema = " + schema + " AND table_name = '" + table + "';\n",
                          "looking for flyway_schema_history", false);
    if (!exists) return exists.status();
    table_exists_ = exists->find('1') != std::string::npos;
    if (!table_exists_) return {};
    auto rows = run_sql(std::string("SELECT installed_rank, coalesce(version, ''), description, type, script, coalesce(checksum, 0), "
                                    "CASE WHEN success THEN 1 ELSE 0 END FROM ") + table + " ORDER BY installed_rank;\n",
                        "reading flyway_schema_history", false);
    if (!rows) return rows.status();
    std::istringstream lines(*rows);
    for (std::string line; std::getline(lines, line);) {
        std::vector<std::string> cells;
        std::istringstream row(line);
        for (std::string cell; std::getline(row, cell, '\t');) cells.push_back(cell);
        if (cells.size() < 7) continue;
        HistoryRow r;
        r.installed_rank = std::stoi(cells[0]);
        r.version = cells[1];
        r.description = cells[2];
        r.type = cells[3];
        r.script = cells[4];
        r.checksum = static_cast<std::int32_t>(std::stol(cells[5]));
        r.success = cells[6] == "1";
        history_.push_back(r);
    }
    return {};
}

sdk::Status Engine::validate() const {
    if (scripts_.empty())
        return sdk::Status::failure("no migrations found in " + request_.folder + " (Flyway reads V<version>__<description>.sql and R__<description>.sql)",
                                    "check --folder; nothing was changed");
    for (const auto &row : history_) {
        if (!row.success)
            return sdk::Status::failure("flyway_schema_history records a failed migration: " + row.script,
                                        "roll the space back to the snapshot taken before it, or delete that row");
        if (row.type != "SQL" || row.version.empty()) continue;
        for (const auto &script : scripts_)
            if (!script.repeatable && compare_versions(script.version, row.version) == 0 && script.checksum != row.checksum)
                return sdk::Status::failure("migration " + script.file + " was changed after it was applied (checksum " +
                                                std::to_string(row.checksum) + " when applied, " + std::to_string(script.checksum) + " now)",
                                            "restore the applied version of " + script.file + " and put the change into a new migration");
    }
    return {};
}

std::string Engine::schema_version() const {
    std::string head;
    for (const auto &row : history_)
        if (row.success && !row.version.empty() && (head.empty() || compare_versions(row.version, head) > 0)) head = row.version;
    return head;
}

std::vector<const Script *> Engine::pending() const {
    std::string head = schema_version();
    std::vector<const Script *> chosen;
    for (const auto &script : scripts_) {
        if (script.repeatable) {
            if (!request_.target.empty()) continue; // a target stops at a version; repeatables run with the full migrate
            const HistoryRow *last = nullptr;
            for (const auto &row : history_)
                if (row.success && row.version.empty() && row.script == script.file) last = &row;
            if (!last || last->checksum != script.checksum) chosen.push_back(&script);
            continue;
        }
        if (!head.empty() && compare_versions(script.version, head) <= 0) continue;
        if (!request_.target.empty() && compare_versions(script.version, request_.target) > 0) continue;
        chosen.push_back(&script);
    }
    return chosen;
}

sdk::Result<sdk::MigrationStatus> Engine::status() const {
    sdk::MigrationStatus status;
    status.head = schema_version();
    for (const auto &row : history_)
        if (row.success) status.applied.push_back(entry(row.version, row.description));
    for (const Script *script : pending()) status.pending.push_back(entry(script->version, script->description));
    return status;
}

std::map<std::string, std::string> Engine::placeholders(const Script &script) const {
    std::map<std::string, std::string> values{{"flyway:defaultSchema", postgres_ ? "public" : request_.server.database},
                                              {"flyway:user", request_.server.user},
                                              {"flyway:database", request_.server.database},
                                              {"flyway:filename", script.file},
                                              {"flyway:table", table}};
    const std::string prefix = "-placeholders.";
    for (const auto &arg : request_.extra_args)
        if (arg.rfind(prefix, 0) == 0 && arg.find('=') != std::string::npos)
            values[arg.substr(prefix.size(), arg.find('=') - prefix.size())] = arg.substr(arg.find('=') + 1);
    return values;
}

sdk::Result<std::string> Engine::pending_scripts_text(const std::string &engine) const {
    std::string text = "-- flyway (" + engine + "): the pending scripts in the order they would run\n";
    for (const Script *script : pending()) {
        auto content = read_text(script->path);
        if (!content) return content.status();
        auto sql = substitute(*content, placeholders(*script), script->file);
        if (!sql) return sql.status();
        text += "\n-- " + script->file + "\n" + *sql;
    }
    return text;
}

sdk::Status Engine::migrate() {
    int rank = history_.empty() ? 0 : history_.back().installed_rank;
    if (!table_exists_) {
        std::string sql = create_table_sql();
        if (option("baselineOnMigrate", "false") == "true") {
            std::string version = option("baselineVersion", "1");
            std::string description = option("baselineDescription", "<< Flyway Baseline >>");
            sql += std::string("INSERT INTO ") + table + " (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES (" +
                   std::to_string(++rank) + ", " + literal(version) + ", " + literal(description) + ", 'BASELINE', " + literal(description) +
                   ", NULL, " + literal(request_.server.user) + ", 0, " + (postgres_ ? "true" : "1") + ");\n";
            history_.push_back({rank, version, description, "BASELINE", description, 0, true});
        }
        auto created = run_sql(sql, "creating flyway_schema_history", true);
        if (!created) return created.status();
        table_exists_ = true;
    }
    for (const Script *script : pending()) {
        auto content = read_text(script->path);
        if (!content) return content.status();
        auto sql = substitute(*content, placeholders(*script), script->file);
        if (!sql) return sql.status();
        std::string body = *sql;
        size_t last = body.find_last_not_of(" \t\r\n");
        if (last != std::string::npos && body[last] != ';') body += "\n;";
        body += "\nINSERT INTO " + std::string(table) +
                " (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES (" +
                std::to_string(++rank) + ", " + (script->version.empty() ? "NULL" : literal(script->version)) + ", " +
                literal(script->description) + ", 'SQL', " + literal(script->file) + ", " + std::to_string(script->checksum) + ", " +
                literal(request_.server.user) + ", 0, " + (postgres_ ? "true" : "1") + ");\n";
        std::cout << "flyway: applying " << script->file << std::endl;
        auto started = std::chrono::steady_clock::now();
        auto ran = run_sql(body, "migration " + script->file, true);
        if (!ran) return ran.status();
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
        auto timed = run_sql("UPDATE " + std::string(table) + " SET execution_time = " + std::to_string(ms) + " WHERE installed_rank = " +
                                 std::to_string(rank) + ";\n",
                             "recording the execution time", false);
        if (!timed) return timed.status();
        history_.push_back({rank, script->version, script->description, "SQL", script->file, script->checksum, true});
    }
    return {};
}

} // namespace dspace::migrators::flyway
