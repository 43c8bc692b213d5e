// The files `dspace migrate` keeps per space: the last migrate's tool and folder, and the intent record.
#include "migrate_files.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <spdlog/spdlog.h>
#include <dspace/core/names.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <ctime>
#include <map>

namespace dspace {

namespace {

constexpr const char *last_file = "migrate.json";
constexpr const char *intent_file = "migrate-intent.json";

//! A flat JSON object of text fields.
std::string to_json(const std::map<std::string, std::string> &fields) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    for (const auto &[key, value] : fields) {
        w.Key(key.c_str());
        w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    }
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

//! The text fields of a flat JSON object file; nullopt when missing or not such an object.
std::optional<std::map<std::string, std::string>> from_json_file(const std::filesystem::path &file) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(file, ec))) return std::nullopt;
    std::string text;
    try {
        text = fs::read_file(file);
    } catch (const Error &e) {
        spdlog::warn("{}", "cannot read " + file.string() + ": " + e.what());
        return std::nullopt;
    }
    rapidjson::Document doc;
    doc.Parse(text.c_str(), text.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        spdlog::warn("{}", file.string() + " is not a JSON object; ignored");
        return std::nullopt;
    }
    std::map<std::string, std::string> fields;
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it)
        if (it->value.IsString()) fields[it->name.GetString()] = it->value.GetString();
    return fields;
}

//! A file in the space's directory; the space name is validated here, where the path is built.
std::filesystem::path space_file(const Paths &paths, const std::string &space, const char *name) {
    validate_name(space, "space");
    return paths.space_dir(space) / name;
}

std::string utc_now(const char *format) {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char text[40];
    std::strftime(text, sizeof text, format, &tm);
    return text;
}

} // namespace

std::string utc_now_iso() { return utc_now("%Y-%m-%dT%H:%M:%SZ"); }
std::string utc_now_compact() { return utc_now("%Y%m%dT%H%M%SZ"); }

void save_last_migrate(const Paths &paths, const std::string &space, const LastMigrate &last) {
    fs::write_file_atomic(space_file(paths, space, last_file),
                          to_json({{"tool", last.tool}, {"folder", last.folder}, {"changelog", last.changelog}}), 0600);
}

std::optional<LastMigrate> load_last_migrate(const Paths &paths, const std::string &space) {
    auto fields = from_json_file(space_file(paths, space, last_file));
    if (!fields || (*fields)["tool"].empty()) return std::nullopt;
    return LastMigrate{(*fields)["tool"], (*fields)["folder"], (*fields)["changelog"]};
}

void save_migrate_intent(const Paths &paths, const std::string &space, const InterruptedMigration &intent) {
    fs::write_file_atomic(space_file(paths, space, intent_file),
                          to_json({{"tool", intent.tool}, {"snapshot", intent.snapshot}, {"started", intent.started}}), 0600);
}

void clear_migrate_intent(const Paths &paths, const std::string &space) {
    std::error_code ec;
    std::filesystem::remove(space_file(paths, space, intent_file), ec); // removes a symlink itself, never its target
    if (ec) throw Error("cannot remove the migration record of space '" + space + "': " + ec.message(), "check the permissions of $DSPACE_HOME");
}

std::optional<InterruptedMigration> interrupted_migration(const Paths &paths, const std::string &space) {
    auto fields = from_json_file(space_file(paths, space, intent_file));
    if (!fields) return std::nullopt;
    return InterruptedMigration{(*fields)["tool"], (*fields)["snapshot"], (*fields)["started"]};
}

void forget_interrupted_migration(const Paths &paths, const std::string &space, const std::string &snap) {
    auto interrupted = interrupted_migration(paths, space);
    if (interrupted && !snap.empty() && interrupted->snapshot == snap) clear_migrate_intent(paths, space);
}

std::string interrupted_migration_notice(const std::string &space, const InterruptedMigration &interrupted) {
    std::string text = "a migration of space '" + space + "' with " + interrupted.tool + " started at " + interrupted.started +
                       " was interrupted and may be half applied";
    if (interrupted.snapshot.empty()) return text + "; no snapshot was taken before it (--no-snapshot)";
    return text + "; to undo it run: dspace rollback " + space + " --to " + interrupted.snapshot;
}

sdk::MigrationRequest build_migration_request(SpaceManager &spaces, const SpaceState &state, const MigrateOptions &options) {
    sdk::MigrationRequest request;
    request.flavour = state.flavour;
    request.server = spaces.server(state);
    request.flavour_plugin = &spaces.flavour(state);
    request.connection = request.flavour_plugin->environment(request.server);
    request.folder = options.folder;
    request.changelog = options.changelog;
    request.target = options.target;
    request.extra_args = options.extra_args;
    return request;
}

} // namespace dspace
