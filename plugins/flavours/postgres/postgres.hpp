// The PostgreSQL flavour.
#pragma once

#include <dspace/sdk/flavour_capabilities.hpp>
#include <dspace/sdk/plugin.hpp>

#include <string>
#include <vector>

namespace dspace::postgres {

namespace sdk = dspace::sdk;

//! Where Debian-style installs keep one directory per major version (<root>/<version>/bin).
inline constexpr const char *install_root = "/usr/lib/postgresql";
//! The superuser every cluster is initialised with; reached over the private unix socket only.
inline constexpr const char *superuser = "postgres";

//! The bin directory of a server version.
std::string bin_dir(const std::string &version);
//! A program of a server version, e.g. tool("15", "psql").
std::string tool(const std::string &version, const std::string &program);
//! The address clients connect to for a listen address (loopback for wildcards).
std::string connect_host(const std::string &listen_address);
//! A database every template cluster holds ready, renamed to the space's database on its first start.
inline constexpr const char *initial_database = "dspace_initial";
//! A command run as the server's OS user against the private unix socket, as the superuser, on database postgres.
sdk::Command admin_psql(const sdk::Server &server);
//! PostgreSQL as a dspace flavour, with logical dumps (pg_dump), a CHECKPOINT before physical snapshots,
//! a password-free display URL and its 8 KiB pages. Its clean stop is a signal (SIGINT: fast shutdown).
class PostgresFlavour final : public sdk::Flavour,
                              public sdk::LogicalDump,
                              public sdk::Quiesce,
                              public sdk::DisplayUrl,
                              public sdk::PageLayout {
public:
    std::string name() const override { return "postgres"; }
    std::string description() const override { return "PostgreSQL servers from /usr/lib/postgresql/<version>"; }
    std::vector<sdk::ToolProbe> probe(sdk::Host &host) override;
    std::vector<std::string> installed_versions(sdk::Host &host) override;
    std::string default_server_user() const override { return "postgres"; }

    sdk::Status init_cluster(sdk::Host &host, const sdk::Server &server) override;
    sdk::Status configure(sdk::Host &host, const sdk::Server &server) override;
    sdk::Command server_command(const sdk::Server &server) const override;
    bool is_ready(sdk::Host &host, const sdk::Server &server) override;
    sdk::Status create_credentials(sdk::Host &host, const sdk::Server &server) override;
    int stop_signal(bool immediate) const override;

    sdk::Command client_command(const sdk::Server &server, const std::vector<std::string> &args) const override;
    sdk::Environment environment(const sdk::Server &server) const override;

    sdk::Status check_online_snapshot(sdk::Host &host, const sdk::Server &server) override;

    // LogicalDump (these also override Flavour's SDK 1.0 methods of the same signature).
    sdk::Result<std::vector<std::string>> list_databases(sdk::Host &host, const sdk::Server &server) override;
    sdk::Command dump_command(const sdk::Server &server, std::string_view database, std::string_view out_file) const override;
    sdk::Command restore_command(const sdk::Server &server, std::string_view database, std::string_view in_file) const override;
    //! Quiesce: CHECKPOINT, so the copy holds little WAL to replay.
    sdk::Status flush(sdk::Host &host, const sdk::Server &server) override;
    //! DisplayUrl: postgresql://user@host:port/database.
    std::string display_url(const sdk::Server &server) const override;
    //! PageLayout: PostgreSQL's 8 KiB blocks.
    std::uint32_t page_size(const sdk::Server &) const override { return 8192; }

private:
    //! Creates initial_database in a just-initialised cluster (single-user mode, no server running).
    sdk::Status create_initial_database(sdk::Host &host, const sdk::Server &server);
    //! Appends the include of dspace.conf to postgresql.conf when it is not there yet.
    sdk::Status include_dspace_conf(sdk::Host &host, const sdk::Server &server);
};

} // namespace dspace::postgres
