// dspace plugin SDK: optional capabilities of a flavour (since SDK 1.1).
//
// Each is registered with Registrar::provide<Capability>(flavour_name, object). The object is
// usually the flavour itself (multiple inheritance); it must live as long as the flavour.
#pragma once

#include "capability.hpp"
#include "export.hpp"
#include "host.hpp"
#include "server.hpp"
#include "status.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dspace::sdk {

//! Logical dumps of single databases (pg_dump, mariadb-dump). Without it, logical snapshotters
//! (pg_dump) refuse at snapshot time. Plugins built for SDK 1.0 get it from their Flavour methods.
class DSPACE_SDK_VISIBLE LogicalDump {
public:
    static constexpr CapabilityId id = CapabilityId::logical_dump; //!< this capability's id
    virtual ~LogicalDump() = default;
    //! The user databases of a running server (no system or template databases).
    virtual Result<std::vector<std::string>> list_databases(Host &host, const Server &server) = 0;
    //! A command that writes a logical dump of one database of the running server into out_file.
    virtual Command dump_command(const Server &server, std::string_view database, std::string_view out_file) const = 0;
    //! A command that loads a dump made by dump_command into a running server whose credentials exist.
    virtual Command restore_command(const Server &server, std::string_view database, std::string_view in_file) const = 0;
};

//! Work to do on the running server before a physical snapshot stops or freezes it (e.g. CHECKPOINT,
//! so the copy is smaller and recovery shorter). Without it, nothing is done first.
class DSPACE_SDK_VISIBLE Quiesce {
public:
    static constexpr CapabilityId id = CapabilityId::quiesce; //!< this capability's id
    virtual ~Quiesce() = default;
    //! Flushes the running server's state to disk. A failure aborts the snapshot before anything is stopped.
    virtual Status flush(Host &host, const Server &server) = 0;
};

//! A clean stop by command (e.g. `mariadb-admin shutdown`, `redis-cli shutdown`). Without it, the host
//! sends Flavour::stop_signal(false). The host still waits for the process to exit and escalates if it does not.
class DSPACE_SDK_VISIBLE StopCommand {
public:
    static constexpr CapabilityId id = CapabilityId::stop_command; //!< this capability's id
    virtual ~StopCommand() = default;
    //! The command that asks the running server to shut down cleanly.
    virtual Command stop_command(const Server &server) const = 0;
};

//! The URL `create` and `status` print. Without it, the host shows DATABASE_URL from
//! Flavour::environment() with the password removed, or `<flavour>://<address>:<port>` when there is none.
class DSPACE_SDK_VISIBLE DisplayUrl {
public:
    static constexpr CapabilityId id = CapabilityId::display_url; //!< this capability's id
    virtual ~DisplayUrl() = default;
    //! A URL that names the space's server and database, never containing the password.
    virtual std::string display_url(const Server &server) const = 0;
};

//! How the engine writes its data files, for block-level snapshotters. Without it, blocks are 8 KiB.
class DSPACE_SDK_VISIBLE PageLayout {
public:
    static constexpr CapabilityId id = CapabilityId::page_layout; //!< this capability's id
    virtual ~PageLayout() = default;
    //! The size in bytes of the pages the engine updates in place (8192 for PostgreSQL, 16384 for InnoDB).
    virtual std::uint32_t page_size(const Server &server) const = 0;
};

//! Gives data restored from another space (or another life of this space) the target space's own
//! credentials, so a snapshot restores anywhere. Without it, such restores are refused.
class DSPACE_SDK_VISIBLE Rekey {
public:
    static constexpr CapabilityId id = CapabilityId::rekey; //!< this capability's id
    virtual ~Rekey() = default;
    //! Called with the server running on the restored data, started by the host for target. Makes
    //! target.user a login with target.password and the rights create_credentials gives (renaming
    //! source.user when the names differ). source holds the user the data was made with; its password is
    //! empty. Databases keep their names: target.database is the restored data's. Never touches user tables.
    virtual Status rekey(Host &host, const Server &target, const Server &source) = 0;
};

} // namespace dspace::sdk
