// The optional parts of space.json: server settings and expiry (absent in spaces made before them).
#pragma once

#include <dspace/core/space.hpp>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <string>

namespace dspace {

//! Writes "settings", "expires" and "idle_stop_seconds" into the open state object.
void write_state_extras(rapidjson::PrettyWriter<rapidjson::StringBuffer> &w, const SpaceState &state);
//! Reads them from doc into state (absent keys leave the defaults); throws Error naming origin when malformed.
void read_state_extras(const rapidjson::Document &doc, SpaceState &state, const std::string &origin);

} // namespace dspace
