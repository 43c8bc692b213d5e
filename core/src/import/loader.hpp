// Runs the dump and restore tools of a Dialect and turns their failures into clear errors.
#pragma once

#include "dialect.hpp"

#include <dspace/core/host_services.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace dspace::import {

//! Where an import's data comes from: a dump file or directory, or a live server.
struct Source {
    std::string display;           //!< how messages name it (a path, or a URL without its password)
    std::optional<Endpoint> live;  //!< the server, for a URL
    std::filesystem::path path;    //!< the dump, for a file or directory
    DetectedDump dump;             //!< its format
    std::string flavour;           //!< the flavour that restores it
};

//! A database's tables and the foreign keys between them.
struct Catalog {
    std::vector<TableName> tables; //!< base tables
    std::vector<ForeignKey> keys;  //!< foreign keys between them
};

//! Loads sources into servers and queries them, with one dialect.
class Loader {
public:
    //! Uses host's process runner, logger and progress.
    Loader(HostServices &host, const Dialect &dialect) : host_(host), dialect_(dialect) {}
    //! Checks that source can be read before anything is created: an archive's table of contents (a dump of a
    //! newer server than the tools read is named as such), or a connection to a live server.
    void check(const Source &source);
    //! Loads source into target (a file fed to the restore program, a live server through dump | restore).
    //! Throws Error naming source and the tool's message, with every password masked.
    void load(const Source &source, const Endpoint &target, const DumpScope &scope);
    //! The rows sql returns on endpoint, each a list of tab-separated columns; what names the step in errors.
    std::vector<std::vector<std::string>> rows(const Endpoint &endpoint, const std::string &sql, const std::string &what);
    //! The tables and foreign keys of endpoint's database.
    Catalog catalog(const Endpoint &endpoint);

private:
    HostServices &host_;
    const Dialect &dialect_;
};

} // namespace dspace::import
