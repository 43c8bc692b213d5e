#include "state_extras.hpp"

#include <dspace/core/error.hpp>

namespace dspace {

void write_state_extras(rapidjson::PrettyWriter<rapidjson::StringBuffer> &w, const SpaceState &state) {
    auto text = [&](const std::string &value) { w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size())); };
    w.Key("settings");
    w.StartObject();
    for (const auto &[key, value] : state.settings) {
        text(key);
        text(value);
    }
    w.EndObject();
    w.Key("expires");
    text(state.expires);
    w.Key("idle_stop_seconds");
    w.Uint64(state.idle_stop_seconds);
}

void read_state_extras(const rapidjson::Document &doc, SpaceState &state, const std::string &origin) {
    std::string hint = "restore it from a backup, or remove the space with `dspace rm --force`";
    if (auto it = doc.FindMember("settings"); it != doc.MemberEnd()) {
        if (!it->value.IsObject()) throw Error(origin + ": 'settings' is not an object", hint);
        for (const auto &member : it->value.GetObject()) {
            if (!member.value.IsString()) throw Error(origin + ": setting '" + member.name.GetString() + "' is not text", hint);
            state.settings.emplace_back(member.name.GetString(), member.value.GetString());
        }
    }
    if (auto it = doc.FindMember("expires"); it != doc.MemberEnd() && it->value.IsString()) state.expires = it->value.GetString();
    if (auto it = doc.FindMember("idle_stop_seconds"); it != doc.MemberEnd() && it->value.IsUint64())
        state.idle_stop_seconds = it->value.GetUint64();
}

} // namespace dspace
