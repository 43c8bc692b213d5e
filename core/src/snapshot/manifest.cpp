// manifest.json: writing and parsing a snapshot's manifest.
#include <dspace/core/error.hpp>
#include <dspace/core/snapshot_manifest.hpp>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

namespace dspace {

std::string manifest_to_json(const SnapshotManifest &m) {
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
    w.SetIndent(' ', 2);
    auto text = [&](const char *key, const std::string &value) {
        w.Key(key);
        w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    };
    w.StartObject();
    w.Key("format");
    w.Int(m.format);
    text("space", m.space);
    text("source_space", m.source_space);
    text("space_created", m.space_created);
    text("space_user", m.space_user);
    text("space_database", m.space_database);
    text("name", m.name);
    text("flavour", m.flavour);
    text("server_version", m.server_version);
    text("snapshotter", m.snapshotter);
    text("method", m.method);
    text("parent", m.parent);
    text("created", m.created);
    w.Key("size_bytes");
    w.Uint64(m.size_bytes);
    text("message", m.message);
    text("migration_head", m.migration_head);
    text("migration_tool", m.migration_tool);
    w.Key("files");
    w.StartArray();
    for (const auto &f : m.files) {
        w.StartObject();
        text("path", f.path);
        w.Key("size");
        w.Uint64(f.size);
        text("xxh3_128", f.xxh3_128);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

SnapshotManifest manifest_from_json(std::string_view text, const std::string &origin) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    std::string hint = "run `dspace snapshot verify --repair` to remove the damaged snapshot";
    if (doc.HasParseError())
        throw Error("the snapshot manifest " + origin + " is not valid JSON: " + rapidjson::GetParseError_En(doc.GetParseError()), hint);
    if (!doc.IsObject()) throw Error("the snapshot manifest " + origin + " does not hold a JSON object", hint);
    auto text_of = [&](const rapidjson::Value &object, const char *key) -> std::string {
        auto it = object.FindMember(key);
        if (it == object.MemberEnd() || !it->value.IsString())
            throw Error("the snapshot manifest " + origin + " lacks the text field '" + key + "'", hint);
        return std::string(it->value.GetString(), it->value.GetStringLength());
    };
    auto number_of = [&](const rapidjson::Value &object, const char *key) -> std::uint64_t {
        auto it = object.FindMember(key);
        if (it == object.MemberEnd() || !it->value.IsUint64())
            throw Error("the snapshot manifest " + origin + " lacks the number field '" + key + "'", hint);
        return it->value.GetUint64();
    };
    auto optional_text = [&](const char *key) -> std::string {
        auto it = doc.FindMember(key);
        return it != doc.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength()) : "";
    };
    SnapshotManifest m;
    m.format = 1;
    if (auto it = doc.FindMember("format"); it != doc.MemberEnd()) {
        if (!it->value.IsInt() || it->value.GetInt() < 1)
            throw Error("the snapshot manifest " + origin + " has an invalid 'format'", hint);
        m.format = it->value.GetInt();
    }
    if (m.format > manifest_format)
        throw Error("the snapshot manifest " + origin + " has format " + std::to_string(m.format) + ", newer than this dspace reads (" +
                        std::to_string(manifest_format) + ")",
                    "upgrade dspace to use this snapshot");
    m.space = text_of(doc, "space");
    m.source_space = optional_text("source_space");
    if (m.source_space.empty()) m.source_space = m.space; // format 1: copies cleared space_created instead
    m.space_created = optional_text("space_created");
    m.space_user = optional_text("space_user");
    m.space_database = optional_text("space_database");
    m.name = text_of(doc, "name");
    m.flavour = text_of(doc, "flavour");
    m.server_version = text_of(doc, "server_version");
    m.snapshotter = text_of(doc, "snapshotter");
    m.method = text_of(doc, "method");
    m.parent = text_of(doc, "parent");
    m.created = text_of(doc, "created");
    m.size_bytes = number_of(doc, "size_bytes");
    m.message = text_of(doc, "message");
    m.migration_head = text_of(doc, "migration_head");
    if (auto it = doc.FindMember("migration_tool"); it != doc.MemberEnd() && it->value.IsString()) m.migration_tool = it->value.GetString();
    auto files = doc.FindMember("files");
    if (files == doc.MemberEnd() || !files->value.IsArray())
        throw Error("the snapshot manifest " + origin + " lacks the file list 'files'", hint);
    for (const auto &f : files->value.GetArray()) {
        if (!f.IsObject()) throw Error("the snapshot manifest " + origin + " has a file entry that is not an object", hint);
        m.files.push_back({text_of(f, "path"), number_of(f, "size"), text_of(f, "xxh3_128")});
    }
    return m;
}

} // namespace dspace
