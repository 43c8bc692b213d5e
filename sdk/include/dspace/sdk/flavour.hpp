// dspace plugin SDK: the Flavour interface, one database engine.
//
// A flavour knows its engine's programs; the host does everything else: it
// keeps state, picks ports, spawns the server detached as the right user,
// supervises, freezes and stops it, and copies data directories. A flavour is
// frozen within a major SDK version: new abilities come as capabilities
// (flavour_capabilities.hpp), never as new virtual functions here.
//
// The order in which the host calls a flavour for a new space:
//   probe, installed_versions      (setup, create: is the engine installed?)
//   init_cluster                   (once per version: the cached template)
//   configure                      (every start, on the stopped data directory)
//   server_command, is_ready       (start; is_ready is polled until true)
//   create_credentials             (once, on the new space's first start)
//   client_command, environment    (shell, exec, env: while running)
//   stop_signal / StopCommand      (stop; stop_signal(true) when the state is discarded)
// Every method may assume the data directory exists and belongs to server.os_user, and
// must not assume anything about the current directory or environment.
#pragma once

#include "export.hpp"
#include "host.hpp"
#include "server.hpp"
#include "status.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace dspace::sdk {

//! A database engine (postgres, mysql): how to initialise, run, reach and dump it.
class DSPACE_SDK_VISIBLE Flavour {
public:
    virtual ~Flavour() = default;

    //! The flavour's name as users type it (`--flavour NAME`).
    virtual std::string name() const = 0;
    //! One line for `dspace plugins` and `--help`.
    virtual std::string description() const = 0;
    //! The external tools this flavour needs, found or not.
    virtual std::vector<ToolProbe> probe(Host &host) = 0;
    //! Server versions installed on this machine, newest first (e.g. {"15"}).
    virtual std::vector<std::string> installed_versions(Host &host) = 0;
    //! The OS user to run the server as when dspace runs as root (e.g. "postgres").
    virtual std::string default_server_user() const = 0;

    //! Creates a fresh cluster in server.data_dir (an empty directory owned by server.os_user).
    //! The result is cached as a template and copied for each new space, so it holds no space-specific settings.
    virtual Status init_cluster(Host &host, const Server &server) = 0;
    //! Writes the space's own settings (port, listen address, run dir, authentication) into its stopped data directory.
    virtual Status configure(Host &host, const Server &server) = 0;
    //! The server in the foreground; the host starts it detached, as server.os_user, output to server.log_file.
    virtual Command server_command(const Server &server) const = 0;
    //! True once the server accepts connections.
    virtual bool is_ready(Host &host, const Server &server) = 0;
    //! On a just-started fresh cluster: creates server.user with server.password and server.database.
    //! Engines without users or databases keep the default, which does nothing.
    virtual Status create_credentials(Host &, const Server &) { return {}; }
    //! The signal that shuts the server down cleanly (immediate = false) or as fast as possible (immediate = true).
    virtual int stop_signal(bool immediate) const = 0;

    //! The engine's interactive client connected to the space, with args appended.
    virtual Command client_command(const Server &server, const std::vector<std::string> &args) const = 0;
    //! Connection variables: DATABASE_URL, the engine's own (PGHOST…, MYSQL_…), JDBC_URL, SQLALCHEMY_URL.
    virtual Environment environment(const Server &server) const = 0;

    // The next three are SDK 1.0's logical dumps. Since 1.1 the host uses the LogicalDump capability
    // instead and calls these only for plugins built for 1.0; a 1.1 flavour need not override them.

    //! SDK 1.0 plugins only: the user databases of a running server.
    virtual Result<std::vector<std::string>> list_databases(Host &, const Server &) {
        return Status::failure("this flavour has no logical dumps");
    }
    //! SDK 1.0 plugins only: a command that dumps one database into out_file.
    virtual Command dump_command(const Server &, std::string_view, std::string_view) const { return {}; }
    //! SDK 1.0 plugins only: a command that loads a dump made by dump_command.
    virtual Command restore_command(const Server &, std::string_view, std::string_view) const { return {}; }

    //! Ok when a crash-consistent (frozen) copy of the running server would recover; otherwise why not.
    //! The default refuses, so `snapshot --online` is only offered by engines that say it is safe.
    virtual Status check_online_snapshot(Host &, const Server &) {
        return Status::failure("this flavour does not support online (frozen) snapshots",
                               "take the snapshot without --online: dspace stops the server cleanly first");
    }
};

} // namespace dspace::sdk
