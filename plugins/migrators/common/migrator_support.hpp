// What the bundled migrators (liquibase, flyway, alembic) share: reading the space's connection
// variables and running their tool with a clear failure message. Header-only; not part of the SDK.
#pragma once

#include <dspace/sdk/host.hpp>
#include <dspace/sdk/server.hpp>
#include <dspace/sdk/status.hpp>

#include <initializer_list>
#include <string>
#include <string_view>

namespace dspace::migrators {

namespace sdk = dspace::sdk;

//! The first of names set (non-empty) in env; empty when none is.
inline std::string connection_var(const sdk::Environment &env, std::initializer_list<std::string_view> names) {
    for (std::string_view name : names)
        for (const auto &[key, value] : env)
            if (key == name && !value.empty()) return value;
    return {};
}

//! Like connection_var, but a failure naming the variables when none is set.
inline sdk::Result<std::string> require_var(const sdk::Environment &env, std::initializer_list<std::string_view> names,
                                            std::string_view tool) {
    std::string value = connection_var(env, names);
    if (!value.empty()) return value;
    std::string list;
    for (std::string_view name : names) list += (list.empty() ? "" : " or ") + std::string(name);
    return sdk::Status::failure(std::string(tool) + " needs " + list + " in the space's connection variables, and the flavour gives none",
                                "run `dspace env SPACE` to see what the flavour provides");
}

//! The database user and password: JDBC_USER/JDBC_PASSWORD, the engine's own variables (PGUSER…, MYSQL_…),
//! else the user information of DATABASE_URL (scheme://user:password@host/db).
struct Credentials {
    std::string user;      //!< database user
    std::string password;  //!< its password (a secret)
};

//! Percent-decodes the user information part of a URL ("%40" -> "@"); malformed escapes stay as they are.
inline std::string percent_decode(std::string_view text) {
    auto hex = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; };
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
            out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

//! The credentials of a space, from its connection variables (see Credentials).
inline Credentials credentials(const sdk::Environment &env) {
    Credentials c{connection_var(env, {"JDBC_USER", "PGUSER", "MYSQL_USER", "DATABASE_USER"}),
                  connection_var(env, {"JDBC_PASSWORD", "PGPASSWORD", "MYSQL_PWD", "MYSQL_PASSWORD", "DATABASE_PASSWORD"})};
    std::string url = connection_var(env, {"DATABASE_URL"});
    size_t scheme_end = url.find("://");
    size_t at = url.find('@');
    if (scheme_end == std::string::npos || at == std::string::npos || at < scheme_end) return c;
    std::string_view userinfo = std::string_view(url).substr(scheme_end + 3, at - scheme_end - 3);
    size_t colon = userinfo.find(':');
    if (c.user.empty()) c.user = percent_decode(userinfo.substr(0, colon));
    if (c.password.empty() && colon != std::string_view::npos) c.password = percent_decode(userinfo.substr(colon + 1));
    return c;
}

//! Runs a migration tool; a failure names the tool and what it said.
//! Streams its output to the user when stream is true (the failure then points there).
inline sdk::Result<sdk::ProcessResult> run_tool(sdk::Host &host, sdk::Command command, std::string_view what, bool stream) {
    command.stream_output = stream;
    auto ran = host.processes().run(command);
    if (!ran) return ran.status();
    if (ran->succeeded()) return ran;
    std::string why = ran->timed_out ? "it timed out"
                      : ran->signal != 0 ? "it was killed by signal " + std::to_string(ran->signal)
                                         : "it exited with status " + std::to_string(ran->exit_code);
    std::string said = ran->err.empty() ? ran->out : ran->err;
    if (said.size() > 2000) said = "…" + said.substr(said.size() - 2000);
    return sdk::Status::failure(std::string(what) + " failed: " + why + (said.empty() ? "" : ":\n" + said),
                                stream ? "see the tool's output above" : "run it by hand with -v to see more");
}

//! run_tool on a command that may have failed to be built: that failure is returned as it is.
inline sdk::Result<sdk::ProcessResult> run_tool(sdk::Host &host, const sdk::Result<sdk::Command> &command, std::string_view what,
                                                bool stream) {
    if (!command) return command.status();
    return run_tool(host, *command, what, stream);
}

} // namespace dspace::migrators
