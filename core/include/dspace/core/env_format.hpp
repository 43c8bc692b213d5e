// Connection variables as text: shell exports, dotenv lines, or one JSON object.
#pragma once

#include <dspace/sdk/server.hpp>

#include <string>
#include <string_view>

namespace dspace {

//! The output formats of `dspace env`.
enum class EnvFormat { shell, dotenv, json };

//! Parses "shell", "dotenv" or "json"; throws UsageError otherwise.
EnvFormat parse_env_format(std::string_view text);
//! value as one single-quoted shell word ('\'' for each quote), safe for `eval`.
std::string shell_quote(std::string_view value);
//! env in format: `export K='v'` lines, `K="v"` lines, or a flat JSON object.
std::string format_environment(const sdk::Environment &env, EnvFormat format);
//! text with every occurrence of secret (raw or percent-encoded) replaced by ***.
std::string mask_secret(std::string text, std::string_view secret);
//! url with the password of its authority (scheme://user:password@host…) removed: scheme://user@host…;
//! unchanged when it has none.
std::string url_without_password(std::string url);

} // namespace dspace
