// PostgreSQL: how clients and tools reach a space (psql, connection variables, dumps).
#include "postgres.hpp"

namespace dspace::postgres {

namespace {

//! The libpq variables for the space's user over TCP.
sdk::Environment libpq_environment(const sdk::Server &server) {
    return {{"PGHOST", connect_host(server.listen_address)}, {"PGPORT", std::to_string(server.port)},
            {"PGUSER", server.user}, {"PGPASSWORD", server.password}, {"PGDATABASE", server.database}};
}

} // namespace

sdk::Command PostgresFlavour::client_command(const sdk::Server &server, const std::vector<std::string> &args) const {
    sdk::Command command;
    command.argv = {tool(server.version, "psql")};
    command.argv.insert(command.argv.end(), args.begin(), args.end());
    command.env = libpq_environment(server);
    command.secrets = {server.password};
    return command;
}

sdk::Environment PostgresFlavour::environment(const sdk::Server &server) const {
    std::string host = sdk::url_bracketed_host(connect_host(server.listen_address)), port = std::to_string(server.port);
    std::string credentials = sdk::url_encode(server.user) + ":" + sdk::url_encode(server.password);
    std::string location = host + ":" + port + "/" + sdk::url_encode(server.database);
    sdk::Environment env{{"DATABASE_URL", "postgresql://" + credentials + "@" + location}};
    for (auto &variable : libpq_environment(server)) env.push_back(variable);
    env.emplace_back("JDBC_URL", "jdbc:postgresql://" + location + "?user=" + sdk::url_encode(server.user) +
                                     "&password=" + sdk::url_encode(server.password));
    env.emplace_back("SQLALCHEMY_URL", "postgresql+psycopg2://" + credentials + "@" + location);
    return env;
}

std::string PostgresFlavour::display_url(const sdk::Server &server) const {
    return "postgresql://" + sdk::url_encode(server.user) + "@" + sdk::url_bracketed_host(connect_host(server.listen_address)) + ":" +
           std::to_string(server.port) + "/" + sdk::url_encode(server.database);
}

sdk::Command PostgresFlavour::dump_command(const sdk::Server &server, std::string_view database, std::string_view out_file) const {
    sdk::Command command;
    command.argv = {tool(server.version, "pg_dump"), "--format=custom", "--no-owner", "--file", std::string(out_file),
                    "--dbname", std::string(database)};
    command.env = libpq_environment(server);
    command.secrets = {server.password};
    return command;
}

sdk::Command PostgresFlavour::restore_command(const sdk::Server &server, std::string_view database, std::string_view in_file) const {
    sdk::Command command;
    command.argv = {tool(server.version, "pg_restore"), "--no-owner", "--exit-on-error", "--dbname", std::string(database),
                    std::string(in_file)};
    command.env = libpq_environment(server);
    command.secrets = {server.password};
    return command;
}

} // namespace dspace::postgres
