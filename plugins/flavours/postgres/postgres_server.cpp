// PostgreSQL: readiness, credentials and databases of a running server.
#include "postgres.hpp"
#include "postgres_sql.hpp"

#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

namespace dspace::postgres {

namespace {

//! The postmaster's status in line 8 of data_dir/postmaster.pid ("starting", "stopping", "ready", "standby"), as
//! `pg_ctl start -w` reads it; nothing when the file or the line is missing.
std::optional<std::string> postmaster_status(const std::string &data_dir) {
    std::ifstream pid_file(data_dir + "/postmaster.pid");
    std::string line;
    for (int number = 1; std::getline(pid_file, line); ++number)
        if (number == 8) return line.substr(0, line.find_last_not_of(' ') + 1);
    return std::nullopt;
}

} // namespace

bool PostgresFlavour::is_ready(sdk::Host &host, const sdk::Server &server) {
    if (auto status = postmaster_status(server.data_dir)) return *status == "ready"; // spares starting pg_isready
    sdk::Command ping;
    ping.argv = {tool(server.version, "pg_isready"), "-q", "-h", connect_host(server.listen_address), "-p",
                 std::to_string(server.port), "-t", "2"};
    ping.timeout = std::chrono::seconds(5);
    auto ran = host.processes().run(ping);
    return ran && ran->succeeded();
}

sdk::Status PostgresFlavour::create_credentials(sdk::Host &host, const sdk::Server &server) {
    // The password reaches psql through its environment (\getenv), never its argv or a file.
    std::string role = identifier(server.user), db = identifier(server.database);
    std::string script = "\\getenv pw DSPACE_NEW_PASSWORD\n"
                         "SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = " + literal(server.user) + ") AS missing_role \\gset\n"
                         "\\if :missing_role\n"
                         "CREATE ROLE " + role + " LOGIN SUPERUSER PASSWORD :'pw';\n"
                         "\\else\n"
                         "ALTER ROLE " + role + " LOGIN SUPERUSER PASSWORD :'pw';\n"
                         "\\endif\n"
                         "SELECT NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = " + literal(server.database) + ") AS missing_db,\n"
                         "       EXISTS (SELECT 1 FROM pg_database WHERE datname = " + literal(initial_database) + ") AS have_initial \\gset\n"
                         // Renaming the template's ready database is instant; CREATE DATABASE copies and syncs ~8 MB.
                         "\\if :missing_db\n"
                         "\\if :have_initial\n"
                         "ALTER DATABASE " + identifier(initial_database) + " RENAME TO " + db + ";\n"
                         "ALTER DATABASE " + db + " OWNER TO " + role + ";\n"
                         "\\else\n"
                         "CREATE DATABASE " + db + " OWNER " + role + ";\n"
                         "\\endif\n"
                         "\\elif :have_initial\n"
                         "DROP DATABASE " + identifier(initial_database) + ";\n"
                         "\\endif\n";
    std::string file = server.run_dir + "/dspace-credentials.sql";
    auto written = host.write_private_file(file, script, 0600, {});
    if (!written) return written;
    sdk::Command psql = admin_psql(server);
    psql.stdin_file = file;
    psql.env = {{"DSPACE_NEW_PASSWORD", server.password}};
    psql.secrets = {server.password};
    auto ran = host.processes().run(psql);
    std::remove(file.c_str());
    if (!ran) return ran.status();
    if (!ran->succeeded())
        return sdk::Status::failure("cannot create the user '" + server.user + "' and database '" + server.database + "': " + ran->err,
                                    "see `dspace logs " + server.space + "`");
    return {};
}

sdk::Status PostgresFlavour::flush(sdk::Host &host, const sdk::Server &server) {
    sdk::Command psql = admin_psql(server);
    psql.argv.insert(psql.argv.end(), {"-c", "CHECKPOINT"});
    auto ran = host.processes().run(psql);
    if (!ran) return ran.status();
    if (!ran->succeeded())
        return sdk::Status::failure("the CHECKPOINT before snapshotting space '" + server.space + "' failed: " + ran->err,
                                    "see `dspace logs " + server.space + "`");
    return {};
}

sdk::Result<std::vector<std::string>> PostgresFlavour::list_databases(sdk::Host &host, const sdk::Server &server) {
    sdk::Command psql = admin_psql(server);
    psql.argv.insert(psql.argv.end(), {"-tA", "-c", "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres' ORDER BY 1"});
    auto ran = host.processes().run(psql);
    if (!ran) return ran.status();
    if (!ran->succeeded()) return sdk::Status::failure("cannot list the databases of space '" + server.space + "': " + ran->err);
    std::vector<std::string> names;
    std::istringstream lines(ran->out);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) names.push_back(line);
    return names;
}

} // namespace dspace::postgres
