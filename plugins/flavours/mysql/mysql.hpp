// The mysql flavour: MariaDB (or MySQL-compatible) servers from the locally installed binaries.
#pragma once

#include <dspace/sdk/flavour.hpp>
#include <dspace/sdk/flavour_capabilities.hpp>

namespace dspace::mysql {

//! MariaDB/MySQL. Every server is started with its own option file (<data_dir>/dspace.cnf) and nothing else;
//! dspace administers it as root over its private Unix socket (root has no TCP account), and the space's
//! user reaches it over the socket or TCP with a password.
class MysqlFlavour final : public sdk::Flavour, public sdk::LogicalDump {
public:
    std::string name() const override { return "mysql"; }
    std::string description() const override;
    std::vector<sdk::ToolProbe> probe(sdk::Host &host) override;
    std::vector<std::string> installed_versions(sdk::Host &host) override;
    std::string default_server_user() const override { return "mysql"; }

    sdk::Status init_cluster(sdk::Host &host, const sdk::Server &server) override;
    sdk::Status configure(sdk::Host &host, const sdk::Server &server) override;
    sdk::Command server_command(const sdk::Server &server) const override;
    bool is_ready(sdk::Host &host, const sdk::Server &server) override;
    sdk::Status create_credentials(sdk::Host &host, const sdk::Server &server) override;
    int stop_signal(bool immediate) const override;

    sdk::Command client_command(const sdk::Server &server, const std::vector<std::string> &args) const override;
    sdk::Environment environment(const sdk::Server &server) const override;

    sdk::Result<std::vector<std::string>> list_databases(sdk::Host &host, const sdk::Server &server) override;
    sdk::Command dump_command(const sdk::Server &server, std::string_view database, std::string_view out_file) const override;
    sdk::Command restore_command(const sdk::Server &server, std::string_view database, std::string_view in_file) const override;
    sdk::Status check_online_snapshot(sdk::Host &host, const sdk::Server &server) override;
};

} // namespace dspace::mysql
