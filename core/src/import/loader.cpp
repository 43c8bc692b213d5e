#include "loader.hpp"
#include "dump_feeder.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/process.hpp>

#include <sstream>
#include <sys/stat.h>

namespace dspace::import {

namespace {

//! The last lines of a program's error output, with every secret replaced by ***.
std::string tail(const std::string &text, const std::vector<std::string> &secrets) {
    std::string masked = text;
    for (const auto &secret : secrets)
        for (size_t at = secret.empty() ? std::string::npos : masked.find(secret); at != std::string::npos; at = masked.find(secret, at + 3))
            masked.replace(at, secret.size(), "***");
    std::vector<std::string> lines;
    std::istringstream in(masked);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    std::string out;
    for (size_t i = lines.size() > 8 ? lines.size() - 8 : 0; i < lines.size(); ++i) out += (out.empty() ? "" : "\n  ") + lines[i];
    return out.empty() ? "(no message)" : out;
}

std::vector<std::string> secrets_of(const std::vector<sdk::Command> &commands) {
    std::vector<std::string> all;
    for (const auto &command : commands) all.insert(all.end(), command.secrets.begin(), command.secrets.end());
    return all;
}

bool mentions(const std::string &text, std::initializer_list<const char *> needles) {
    for (const char *needle : needles)
        if (text.find(needle) != std::string::npos) return true;
    return false;
}

//! The error for a tool that failed on source: newer-server dumps and refused logins get their own words.
Error tool_error(const Source &source, const std::string &step, const std::string &message) {
    if (mentions(message, {"unsupported version", "server version mismatch", "aborting because of server version"}))
        return Error(source.display + " comes from a newer server than the installed tools can read:\n  " + message,
                     "install the client tools of that server version, or make the dump with the tools installed here");
    if (mentions(message, {"password authentication failed", "Access denied for user", "no password supplied"}))
        return Error("the source " + source.display + " refused the credentials given for it (the password is not shown):\n  " + message,
                     "check the user and password in the URL");
    if (source.live && mentions(message, {"could not connect", "connection to server", "Can't connect", "Unknown server host",
                                          "could not translate host name", "timeout expired"}))
        return Error("cannot reach the source " + source.display + ":\n  " + message,
                     "check the host and port, and that the server accepts connections from here");
    return Error(step + " failed:\n  " + message,
                 "the restore stopped at this first error: fix what it names (a truncated or damaged dump, objects that already exist) and import again");
}

} // namespace

void Loader::check(const Source &source) {
    if (source.live) {
        auto command = dialect_.query(*source.live, "SELECT 1");
        auto ran = host_.processes().run(command);
        if (!ran) throw Error(ran.status().message(), ran.status().hint());
        if (!ran->succeeded()) throw tool_error(source, "connecting to " + source.display, tail(ran->err, command.secrets));
        return;
    }
    auto command = dialect_.check_archive(source.dump.format, source.path.string());
    if (!command) return;
    auto ran = host_.processes().run(*command);
    if (!ran) throw Error(ran.status().message(), ran.status().hint());
    if (!ran->succeeded()) throw tool_error(source, "reading " + source.display, tail(ran->err, {}));
}

void Loader::load(const Source &source, const Endpoint &target, const DumpScope &scope) {
    std::vector<sdk::Command> stages;
    std::optional<DumpFeeder> feeder;
    StdinFeeder feed;
    std::uint64_t size = 0;
    if (source.live) {
        stages.push_back(dialect_.dump(*source.live, scope));
        stages.push_back(dialect_.restore(target, dialect_.dump_format(), {}, false));
    } else {
        stages.push_back(dialect_.restore(target, source.dump.format, source.path.string(), scope.schema_only));
        struct stat st {};
        if (source.dump.format != DumpFormat::pg_directory && ::stat(source.path.c_str(), &st) == 0) size = static_cast<std::uint64_t>(st.st_size);
    }
    sdk::ProgressTask progress(host_.progress(), "importing " + source.display, size);
    if (!source.live && source.dump.format != DumpFormat::pg_directory) {
        bool plain = source.dump.format == DumpFormat::pg_plain || source.dump.format == DumpFormat::mysql_plain;
        feeder.emplace(source.path, plain ? &dialect_ : nullptr, progress);
        feed = [&feeder](int fd) { (*feeder)(fd); };
    }
    auto ran = run_pipeline(stages, &host_.logger(), feed);
    if (!ran) throw Error(ran.status().message(), ran.status().hint());
    std::string step = "importing " + source.display;
    if (feeder && !feeder->read_error().empty())
        throw Error("cannot read " + source.display + " to its end: " + feeder->read_error(), "the file is truncated or damaged; copy it again");
    if (!ran->succeeded()) {
        std::string errors;
        for (size_t i = 0; i < stages.size(); ++i)
            if (!ran->stages[i].succeeded()) errors += (errors.empty() ? "" : "\n  ") + tail(ran->stages[i].err, secrets_of(stages));
        throw tool_error(source, step, errors);
    }
    if (feeder && !feeder->complete())
        throw Error(source.display + " is truncated: it lacks the comment its dump tool writes at the end",
                    "make the dump again or copy it completely");
}

std::vector<std::vector<std::string>> Loader::rows(const Endpoint &endpoint, const std::string &sql, const std::string &what) {
    auto command = dialect_.query(endpoint, sql);
    auto ran = host_.processes().run(command);
    if (!ran) throw Error(ran.status().message(), ran.status().hint());
    if (!ran->succeeded()) throw Error(what + " failed:\n  " + tail(ran->err, command.secrets));
    std::vector<std::vector<std::string>> out;
    std::istringstream in(ran->out);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        std::vector<std::string> columns;
        std::istringstream split(line);
        for (std::string column; std::getline(split, column, '\t');) columns.push_back(column);
        out.push_back(std::move(columns));
    }
    return out;
}

Catalog Loader::catalog(const Endpoint &endpoint) {
    Catalog catalog;
    for (const auto &row : rows(endpoint, dialect_.tables_sql(), "listing the tables of the source"))
        if (row.size() >= 2) catalog.tables.push_back({row[0], row[1]});
    for (const auto &row : rows(endpoint, dialect_.foreign_keys_sql(), "listing the foreign keys of the source"))
        if (row.size() >= 6) catalog.keys.push_back({{row[0], row[1]}, {row[2], row[3]}, row[4], row[5]});
    return catalog;
}

} // namespace dspace::import
