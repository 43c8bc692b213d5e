// One small JSON object dspace keeps about a transfer (a remote lock, a background push's record), read field by
// field: a missing or mistyped field makes the record damaged.
#pragma once

#include <dspace/core/error.hpp>

#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace dspace::transfer {

//! The fields of one JSON object; every accessor throws damaged() when its field is missing or of another type.
class JsonRecord {
public:
    //! Parses bytes; throws damaged() unless they are one JSON object.
    JsonRecord(std::string_view bytes, std::function<Error()> damaged);
    //! The string field key.
    std::string text(const char *key) const;
    //! The string field key, or "" when the record has none (a field later versions added).
    std::string optional_text(const char *key) const;
    //! The signed integer field key.
    std::int64_t signed_number(const char *key) const;
    //! The unsigned integer field key.
    std::uint64_t unsigned_number(const char *key) const;

private:
    const rapidjson::Value &field(const char *key) const;
    rapidjson::Document doc_;
    std::function<Error()> damaged_;
};

} // namespace dspace::transfer
