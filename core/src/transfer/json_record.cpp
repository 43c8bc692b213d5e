// Field-by-field reading of the small JSON records of transfers.
#include "json_record.hpp"

namespace dspace::transfer {

JsonRecord::JsonRecord(std::string_view bytes, std::function<Error()> damaged) : damaged_(std::move(damaged)) {
    doc_.Parse(bytes.data(), bytes.size());
    if (doc_.HasParseError() || !doc_.IsObject()) throw damaged_();
}

const rapidjson::Value &JsonRecord::field(const char *key) const {
    if (!doc_.HasMember(key)) throw damaged_();
    return doc_[key];
}

std::string JsonRecord::text(const char *key) const {
    const auto &value = field(key);
    if (!value.IsString()) throw damaged_();
    return value.GetString();
}

std::string JsonRecord::optional_text(const char *key) const { return doc_.HasMember(key) ? text(key) : std::string(); }

std::int64_t JsonRecord::signed_number(const char *key) const {
    const auto &value = field(key);
    if (!value.IsInt64()) throw damaged_();
    return value.GetInt64();
}

std::uint64_t JsonRecord::unsigned_number(const char *key) const {
    const auto &value = field(key);
    if (!value.IsUint64()) throw damaged_();
    return value.GetUint64();
}

} // namespace dspace::transfer
