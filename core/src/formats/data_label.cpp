#include "data_label.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace dspace {

std::string data_label_json(const DataLabel &label) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    for (auto [key, value] : {std::pair{"flavour", &label.flavour}, std::pair{"version", &label.version},
                              std::pair{"user", &label.user}, std::pair{"database", &label.database}}) {
        w.Key(key);
        w.String(value->c_str(), static_cast<rapidjson::SizeType>(value->size()));
    }
    w.EndObject();
    return std::string(buffer.GetString()) + "\n";
}

std::optional<DataLabel> parse_data_label(const std::string &text) {
    rapidjson::Document doc;
    doc.Parse(text.c_str(), text.size());
    if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
    auto field = [&](const char *key) {
        auto it = doc.FindMember(key);
        return it != doc.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength()) : std::string();
    };
    DataLabel label{field("flavour"), field("version"), field("user"), field("database")};
    if (label.user.empty() || label.database.empty()) return std::nullopt;
    return label;
}

} // namespace dspace
