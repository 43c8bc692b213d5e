#include <dspace/core/config.hpp>
#include <dspace/core/config_keys.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <sstream>

namespace dspace {

namespace {

std::vector<std::string> split_key(std::string_view key) {
    std::vector<std::string> parts;
    std::stringstream in{std::string(key)};
    for (std::string part; std::getline(in, part, '.');) {
        if (part.empty()) throw UsageError("invalid configuration key '" + std::string(key) + "'", "keys look like section.name, e.g. snapshots.default_snapshotter");
        parts.push_back(part);
    }
    if (parts.empty()) throw UsageError("an empty configuration key was given");
    return parts;
}

std::string value_text(const rapidjson::Value &value) {
    if (value.IsString()) return {value.GetString(), value.GetStringLength()};
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    return buffer.GetString();
}

void collect(const rapidjson::Value &value, const std::string &prefix, std::vector<std::pair<std::string, std::string>> &out) {
    if (value.IsObject() && value.MemberCount() > 0) {
        for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it)
            collect(it->value, prefix.empty() ? it->name.GetString() : prefix + "." + it->name.GetString(), out);
    } else {
        out.emplace_back(prefix, value_text(value));
    }
}

const char *type_name(const rapidjson::Value &value) {
    if (value.IsObject()) return "an object";
    if (value.IsArray()) return "an array";
    if (value.IsString()) return "text";
    if (value.IsBool()) return "true/false";
    if (value.IsNumber()) return "a number";
    return "null";
}

//! True when value has type.
bool has_type(const rapidjson::Value &value, ConfigType type) {
    switch (type) {
    case ConfigType::text: return value.IsString();
    case ConfigType::boolean: return value.IsBool();
    case ConfigType::integer: return value.IsInt64();
    case ConfigType::text_list:
        return value.IsArray() && std::all_of(value.Begin(), value.End(), [](const rapidjson::Value &v) { return v.IsString(); });
    case ConfigType::any: return true;
    }
    return true;
}

//! Why the value at key (and below it) does not fit the known keys, or empty. Unknown keys are left alone.
std::string type_problem(const rapidjson::Value &value, const std::string &key) {
    if (!key.empty() && is_config_section(key) && !value.IsObject())
        return "'" + key + "' must be a JSON object (a section), not " + type_name(value);
    if (const ConfigKey *known = key.empty() ? nullptr : find_config_key(key); known && !has_type(value, known->type))
        return "'" + key + "' must be " + describe(known->type) + ", not " + type_name(value);
    if (value.IsObject() && (key.empty() || is_config_section(key)))
        for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
            std::string name(it->name.GetString(), it->name.GetStringLength());
            std::string problem = type_problem(it->value, key.empty() ? name : key + "." + name);
            if (!problem.empty()) return problem;
        }
    return {};
}

} // namespace

struct Config::Impl {
    rapidjson::Document doc;
    Impl() { doc.SetObject(); }
    const rapidjson::Value *find(std::string_view key) const {
        const rapidjson::Value *node = &doc;
        for (const auto &part : split_key(key)) {
            if (!node->IsObject()) return nullptr;
            auto it = node->FindMember(part.c_str());
            if (it == node->MemberEnd()) return nullptr;
            node = &it->value;
        }
        return node;
    }
};

Config::Config(std::filesystem::path path) : path_(std::move(path)), impl_(std::make_unique<Impl>()) {}
Config::~Config() = default;

std::string Config::default_text() {
    return R"({
  "snapshots": {
    "default_snapshotter": "rsync"
  },
  "spaces": {
    "listen_address": "127.0.0.1"
  },
  "plugins": {
    "search_paths": []
  }
}
)";
}

void Config::load() {
    std::error_code ec;
    if (!std::filesystem::exists(path_, ec)) return;
    std::string text = fs::read_file(path_);
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseFullPrecisionFlag>(text.c_str()); // numbers read back exactly as save() wrote them
    if (doc.HasParseError())
        throw Error(path_.string() + " is not valid JSON: " + rapidjson::GetParseError_En(doc.GetParseError()) +
                        " at byte " + std::to_string(doc.GetErrorOffset()),
                    "fix the file by hand, or move it away and run `dspace setup` to write a default one");
    if (!doc.IsObject()) throw Error(path_.string() + " must hold a JSON object", "move it away and run `dspace setup`");
    if (std::string problem = type_problem(doc, ""); !problem.empty())
        throw Error(path_.string() + ": " + problem, "fix the file by hand, or move it away and run `dspace setup` to write a default one");
    impl_->doc.Swap(doc);
}

void Config::save() const { fs::write_file_atomic(path_, to_json() + "\n", 0600); }

std::optional<std::string> Config::get(std::string_view key) const {
    const rapidjson::Value *node = impl_->find(key);
    if (node == nullptr || node->IsNull()) return std::nullopt;
    return value_text(*node);
}

std::vector<std::string> Config::get_list(std::string_view key) const {
    std::vector<std::string> out;
    const rapidjson::Value *node = impl_->find(key);
    if (node == nullptr) return out;
    if (node->IsString()) return {node->GetString()};
    if (node->IsArray())
        for (const auto &item : node->GetArray())
            if (item.IsString()) out.emplace_back(item.GetString());
    return out;
}

void Config::set(std::string_view key, std::string_view value) { put(key, value, false); }

void Config::set_checked(std::string_view key, std::string_view value) {
    split_key(key); // a malformed key is reported as such, not as unknown
    require_known_config_key(key);
    put(key, value, find_config_key(key)->type == ConfigType::text);
}

void Config::put(std::string_view key, std::string_view value, bool as_text) {
    auto parts = split_key(key);
    auto &alloc = impl_->doc.GetAllocator();
    rapidjson::Value *node = &impl_->doc;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
        auto it = node->FindMember(parts[i].c_str());
        if (it == node->MemberEnd()) {
            node->AddMember(rapidjson::Value(parts[i].c_str(), alloc), rapidjson::Value(rapidjson::kObjectType), alloc);
            it = node->FindMember(parts[i].c_str());
        } else if (!it->value.IsObject()) {
            it->value.SetObject();
        }
        node = &it->value;
    }
    rapidjson::Document parsed(&alloc);
    std::string text(value);
    parsed.Parse<rapidjson::kParseFullPrecisionFlag>(text.c_str());
    rapidjson::Value leaf;
    if (!as_text && !parsed.HasParseError() && !parsed.IsObject()) leaf.CopyFrom(parsed, alloc);
    else leaf.SetString(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), alloc);
    if (const ConfigKey *known = find_config_key(key); known && !has_type(leaf, known->type))
        throw UsageError("configuration key '" + std::string(key) + "' takes " + describe(known->type) + ", not '" + text + "'",
                         known->description);
    auto it = node->FindMember(parts.back().c_str());
    if (it != node->MemberEnd()) it->value = leaf;
    else node->AddMember(rapidjson::Value(parts.back().c_str(), alloc), leaf, alloc);
}

bool Config::unset(std::string_view key) {
    auto parts = split_key(key);
    std::vector<rapidjson::Value *> path{&impl_->doc}; // the objects from the root down to the leaf's parent
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
        auto it = path.back()->FindMember(parts[i].c_str());
        if (it == path.back()->MemberEnd() || !it->value.IsObject()) return false;
        path.push_back(&it->value);
    }
    if (!path.back()->RemoveMember(parts.back().c_str())) return false;
    // Sections left empty go too, so `unset a.b` after `set a.b` leaves no "a": {}.
    for (size_t i = path.size() - 1; i > 0 && path[i]->MemberCount() == 0; --i) path[i - 1]->RemoveMember(parts[i - 1].c_str());
    return true;
}

std::vector<std::pair<std::string, std::string>> Config::list() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto it = impl_->doc.MemberBegin(); it != impl_->doc.MemberEnd(); ++it) collect(it->value, it->name.GetString(), out);
    std::sort(out.begin(), out.end());
    return out;
}

std::string Config::to_json() const {
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
    writer.SetIndent(' ', 2);
    impl_->doc.Accept(writer);
    return buffer.GetString();
}

} // namespace dspace
