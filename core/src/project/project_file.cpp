// dspace.json: parsing, validation with clear errors, and the walk up to find it.
#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/names.hpp>
#include <dspace/core/project.hpp>
#include <dspace/core/suggest.hpp>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cctype>

namespace dspace {

namespace {

const std::vector<std::string> top_keys{"space", "flavour", "version", "port", "initial_database", "migrations", "seed", "backups", "import"};
const std::vector<std::string> migration_keys{"tool", "folder"};

//! Reads one object of dspace.json, naming the file and the key in every error.
class Reader {
public:
    explicit Reader(const std::filesystem::path &file) : file_(file.string()) {}

    [[noreturn]] void fail(const std::string &problem, const std::string &hint) const {
        throw Error(file_ + ": " + problem, hint);
    }

    void check_keys(const rapidjson::Value &object, const std::vector<std::string> &known, const std::string &where) const {
        for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
            std::string key(it->name.GetString(), it->name.GetStringLength());
            if (std::find(known.begin(), known.end(), key) != known.end()) continue;
            std::string suggestion = did_you_mean(key, known);
            std::string list;
            for (const auto &k : known) list += (list.empty() ? "" : ", ") + k;
            fail("unknown key '" + key + "'" + where + (suggestion.empty() ? "" : "; did you mean '" + suggestion + "'?"),
                 "the keys are: " + list);
        }
    }

    std::string string(const rapidjson::Value &object, const char *key, const std::string &path, bool required) const {
        auto it = object.FindMember(key);
        if (it == object.MemberEnd()) {
            if (required) fail("'" + path + "' is missing", "add \"" + std::string(key) + "\": \"...\"");
            return {};
        }
        if (!it->value.IsString()) fail("'" + path + "' must be a string", "write it in double quotes");
        return {it->value.GetString(), it->value.GetStringLength()};
    }

    std::vector<std::vector<std::string>> commands(const rapidjson::Value &value) const {
        const std::string hint = "seed is a list of commands, each a list of strings: [[\"psql\", \"-c\", \"insert ...\"]]";
        if (!value.IsArray()) fail("'seed' must be an array of commands", hint);
        std::vector<std::vector<std::string>> out;
        for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
            const auto &command = value[i];
            std::string where = "'seed[" + std::to_string(i) + "]'";
            if (!command.IsArray()) fail(where + " must be an array of strings (a command's argv, run without a shell)", hint);
            if (command.Empty()) fail(where + " is empty", "give the program and its arguments");
            std::vector<std::string> argv;
            for (rapidjson::SizeType j = 0; j < command.Size(); ++j) {
                if (!command[j].IsString()) fail(where + " element " + std::to_string(j) + " must be a string", hint);
                argv.emplace_back(command[j].GetString(), command[j].GetStringLength());
            }
            if (argv[0].empty()) fail(where + " has an empty program name", "give the program first");
            out.push_back(std::move(argv));
        }
        return out;
    }

private:
    std::string file_;
};

void write_string(rapidjson::PrettyWriter<rapidjson::StringBuffer> &w, const char *key, const std::string &value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

} // namespace

std::filesystem::path Project::backups_dir() const {
    std::filesystem::path dir(backups);
    return (dir.is_absolute() ? dir : root / dir).lexically_normal();
}

std::filesystem::path Project::migrations_dir() const {
    if (!migrations) return {};
    std::filesystem::path dir(migrations->folder);
    return (dir.is_absolute() ? dir : root / dir).lexically_normal();
}

std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

Project parse_project(std::string_view text, const std::filesystem::path &file) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError()) {
        auto [line, column] = line_and_column(text, doc.GetErrorOffset());
        throw Error(file.string() + ":" + std::to_string(line) + ":" + std::to_string(column) +
                        ": not valid JSON: " + rapidjson::GetParseError_En(doc.GetParseError()),
                    "fix the file at line " + std::to_string(line) + ", column " + std::to_string(column));
    }
    Reader reader(file);
    if (!doc.IsObject()) reader.fail("must hold a JSON object", "e.g. {\"space\": \"shop\", \"flavour\": \"postgres\"}");
    reader.check_keys(doc, top_keys, "");

    Project project;
    project.file = file;
    project.root = file.parent_path();
    project.space = reader.string(doc, "space", "space", true);
    if (std::string problem = name_problem(project.space); !problem.empty())
        reader.fail("'space' is not a valid space name: " + problem, "use letters, digits, '-' and '_'");
    if (auto flavour = reader.string(doc, "flavour", "flavour", false); !flavour.empty()) project.flavour = flavour;
    project.version = reader.string(doc, "version", "version", false);
    if (auto it = doc.FindMember("port"); it != doc.MemberEnd()) {
        if (!it->value.IsInt() || it->value.GetInt() < 1 || it->value.GetInt() > 65535)
            reader.fail("'port' must be a number from 1 to 65535", "or leave it out to pick a free port");
        project.port = it->value.GetInt();
    }
    project.initial_database = reader.string(doc, "initial_database", "initial_database", false);
    if (auto it = doc.FindMember("migrations"); it != doc.MemberEnd()) {
        if (!it->value.IsObject())
            reader.fail("'migrations' must be an object", "e.g. \"migrations\": {\"tool\": \"flyway\", \"folder\": \"db/migrations\"}");
        reader.check_keys(it->value, migration_keys, " in 'migrations'");
        project.migrations = ProjectMigrations{reader.string(it->value, "tool", "migrations.tool", true),
                                               reader.string(it->value, "folder", "migrations.folder", true)};
    }
    if (auto it = doc.FindMember("seed"); it != doc.MemberEnd()) project.seed = reader.commands(it->value);
    if (auto backups = reader.string(doc, "backups", "backups", false); !backups.empty()) project.backups = backups;
    project.import_source = reader.string(doc, "import", "import", false);
    return project;
}

std::optional<std::filesystem::path> find_project_file(const std::filesystem::path &start) {
    std::filesystem::path dir = std::filesystem::absolute(start).lexically_normal();
    while (true) {
        std::filesystem::path candidate = dir / project_file_name;
        std::error_code ec;
        if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
        if (!dir.has_parent_path() || dir.parent_path() == dir) return std::nullopt;
        dir = dir.parent_path();
    }
}

std::optional<Project> find_project(const std::filesystem::path &start) {
    auto file = find_project_file(start);
    if (!file) return std::nullopt;
    return parse_project(fs::read_file(*file), *file);
}

std::string project_to_json(const Project &project) {
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
    w.SetIndent(' ', 2);
    w.StartObject();
    write_string(w, "space", project.space);
    write_string(w, "flavour", project.flavour);
    if (!project.version.empty()) write_string(w, "version", project.version);
    if (project.port != 0) {
        w.Key("port");
        w.Int(project.port);
    }
    write_string(w, "initial_database", project.initial_database.empty() ? project.space : project.initial_database);
    if (project.migrations) {
        w.Key("migrations");
        w.StartObject();
        write_string(w, "tool", project.migrations->tool);
        write_string(w, "folder", project.migrations->folder);
        w.EndObject();
    }
    w.Key("seed");
    w.StartArray();
    for (const auto &command : project.seed) {
        w.StartArray();
        for (const auto &arg : command) w.String(arg.c_str(), static_cast<rapidjson::SizeType>(arg.size()));
        w.EndArray();
    }
    w.EndArray();
    write_string(w, "backups", project.backups);
    if (!project.import_source.empty()) write_string(w, "import", project.import_source);
    w.EndObject();
    return std::string(buffer.GetString()) + "\n";
}

std::string space_name_from_directory(const std::string &directory) {
    std::string name;
    for (char c : directory) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u)) name += static_cast<char>(std::tolower(u));
        else if (!name.empty() && name.back() != '-') name += '-';
    }
    while (!name.empty() && name.back() == '-') name.pop_back();
    if (name.size() > 63) name.resize(63);
    if (name.empty() || !name_problem(name).empty()) name = "project";
    return name;
}

} // namespace dspace
