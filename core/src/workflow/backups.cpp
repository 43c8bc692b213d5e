// Named logical backups of a project's space: dump through the flavour's LogicalDump, restore through import's
// restore path, backup.json beside the dump.
#include "../migrate/migrate_files.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/import.hpp>
#include <dspace/core/logical_dump.hpp>
#include <dspace/core/names.hpp>
#include <dspace/core/workflow.hpp>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <tuple>

namespace dspace {

namespace {

constexpr const char *dump_file = "data.dump";
constexpr const char *info_file = "backup.json";

std::string info_to_json(const BackupInfo &info) {
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    const std::pair<const char *, const std::string *> fields[] = {
        {"name", &info.name},         {"flavour", &info.flavour},         {"server_version", &info.server_version},
        {"migration_tool", &info.migration_tool}, {"migration_head", &info.migration_head}, {"created", &info.created}};
    for (auto [key, value] : fields) {
        w.Key(key);
        w.String(value->c_str(), static_cast<rapidjson::SizeType>(value->size()));
    }
    w.EndObject();
    return std::string(buffer.GetString()) + "\n";
}

BackupInfo info_from_json(const std::string &text, const std::filesystem::path &file) {
    rapidjson::Document doc;
    doc.Parse(text.c_str(), text.size());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("flavour") || !doc["flavour"].IsString())
        throw Error("backup description " + file.string() + " is damaged", "make the backup again with `dspace dump --force`");
    auto field = [&](const char *key) {
        auto it = doc.FindMember(key);
        return it != doc.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString(), it->value.GetStringLength()) : std::string();
    };
    return {field("name"), field("flavour"), field("server_version"), field("migration_tool"), field("migration_head"), field("created")};
}

//! Refuses a backup of another flavour than the space's.
void check_flavour(const BackupInfo &info, const SpaceState &state) {
    if (info.flavour != state.flavour)
        throw Error("backup '" + info.name + "' is a " + info.flavour + " dump; space '" + state.name + "' is " + state.flavour,
                    "load it into a space of flavour " + info.flavour);
}

} // namespace

void validate_backup_name(const std::string &name) {
    if (name == init_backup) return;
    validate_name(name, "backup");
}

std::filesystem::path Workflow::backup_dir(const std::string &name) const {
    validate_backup_name(name);
    return project_.backups_dir() / name;
}

std::optional<BackupInfo> Workflow::backup(const std::string &name) const {
    std::filesystem::path dir = backup_dir(name);
    std::error_code ec;
    if (!std::filesystem::exists(dir / info_file, ec)) return std::nullopt;
    return info_from_json(fs::read_file(dir / info_file), dir / info_file);
}

std::string Workflow::dump(const std::string &requested, bool force) {
    std::string name = requested.empty() ? utc_now_compact() : requested;
    std::filesystem::path dir = backup_dir(name);
    std::error_code ec;
    if (std::filesystem::exists(dir, ec) && !force)
        throw Error("backup '" + name + "' already exists in " + project_.backups_dir().string(),
                    "pick another --name, or replace it with --force");
    SpaceState state = ensure_running();

    fs::make_private_dir(project_.backups_dir());
    std::filesystem::path building = project_.backups_dir() / ("." + name + ".partial");
    if (std::filesystem::exists(building, ec)) fs::remove_tree(building);
    fs::make_private_dir(building);
    try {
        dump_space_database(host_, plugins_, spaces_, state, building / dump_file);
    } catch (...) {
        fs::remove_tree(building);
        throw;
    }
    BackupInfo info{name, state.flavour, state.version, {}, {}, utc_now_iso()};
    std::tie(info.migration_tool, info.migration_head) = read_migration_head(host_, plugins_, spaces_, state);
    fs::write_file_atomic(building / info_file, info_to_json(info));
    fs::fsync_tree(building);
    std::filesystem::path old = project_.backups_dir() / ("." + name + ".old");
    if (std::filesystem::exists(dir, ec)) {
        if (std::filesystem::exists(old, ec)) fs::remove_tree(old);
        fs::rename_durable(dir, old);
    }
    fs::rename_durable(building, dir);
    if (std::filesystem::exists(old, ec)) fs::remove_tree(old);
    report_("saved backup " + name + " in " + dir.string() +
            (info.migration_head.empty() ? "" : " (migration head " + info.migration_head + ")"));
    return name;
}

void Workflow::restore(const SpaceState &state, const BackupInfo &info) {
    check_flavour(info, state);
    restore_dump(host_, plugins_, spaces_, state, backup_dir(info.name) / dump_file);
}

void Workflow::load(const std::string &name) {
    auto info = backup(name);
    if (!info)
        throw Error("no backup named '" + name + "' in " + project_.backups_dir().string(), "`dspace dump --name " + name + "` makes one");
    SpaceState state = ensure_running();
    check_flavour(*info, state); // before anything is destroyed
    check_dump(host_, plugins_, state, backup_dir(name) / dump_file);
    state = recreate();
    restore(state, *info);
    report_("loaded backup " + name + (info->migration_head.empty() ? "" : " (saved at migration head " + info->migration_head + ")"));
    migrate(false);
}

} // namespace dspace
