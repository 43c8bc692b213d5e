#include "probe_cache.hpp"

#include <dspace/core/tool_report.hpp>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <exception>
#include <future>

namespace dspace {

namespace {

//! Probes one plugin object; an exception escaping the plugin becomes the entry's reason.
template <typename Plugin>
PluginToolReport probe_one(const char *kind, Plugin &plugin, sdk::Host &host) {
    PluginToolReport entry;
    entry.kind = kind;
    try {
        entry.name = plugin.name();
        entry.tools = plugin.probe(host);
    } catch (const std::exception &e) {
        entry.reason = std::string("its tool probe failed: ") + e.what();
        entry.hint = "report this to the plugin's author";
    } catch (...) {
        entry.reason = "its tool probe failed with an unknown exception";
        entry.hint = "report this to the plugin's author";
    }
    return entry;
}

//! Starts probing every object at once (each probe mostly waits for `TOOL --version`).
template <typename Plugin>
std::vector<std::future<PluginToolReport>> start_probes(const char *kind, const std::vector<Plugin *> &objects, sdk::Host &host) {
    std::vector<std::future<PluginToolReport>> probes;
    for (Plugin *object : objects)
        probes.push_back(std::async(std::launch::async, [kind, object, &host] { return probe_one(kind, *object, host); }));
    return probes;
}

//! Adds the probes' results to report, in the order they were started.
void collect(std::vector<std::future<PluginToolReport>> &probes, ToolReport &report) {
    for (auto &probe : probes) report.plugins.push_back(probe.get());
}


void add_unloaded(const std::vector<PluginRecord> &records, ToolReport &report) {
    std::vector<PluginToolReport> unloaded;
    for (const auto &record : records) {
        if (record.status == PluginStatus::loaded) continue;
        PluginToolReport entry;
        entry.kind = record.kind.empty() ? "plugin" : record.kind;
        entry.name = record.name.empty() ? record.path.filename().string() : record.name;
        entry.status = record.status;
        entry.shadowed = record.status == PluginStatus::shadowed;
        entry.reason = record.path.string() + ": " + record.reason;
        entry.hint = record.hint;
        if (!entry.shadowed)
            report.problems.push_back("the " + entry.kind + " plugin " + entry.name + " did not load (" + record.reason + ")");
        unloaded.push_back(std::move(entry));
    }
    for (auto &entry : unloaded) report.plugins.push_back(std::move(entry));
}

void add_flavour_problems(ToolReport &report) {
    bool any_flavour = false;
    for (const auto &entry : report.plugins) {
        if (entry.kind != "flavour" || entry.status != PluginStatus::loaded) continue;
        any_flavour = true;
        if (!entry.reason.empty()) report.problems.push_back("the " + entry.name + " flavour could not check its tools");
        for (const auto &tool : entry.tools)
            if (tool.required && !tool.found)
                report.problems.push_back("the " + entry.name + " flavour needs " + tool.tool + ", which is missing");
    }
    if (!any_flavour) report.problems.insert(report.problems.begin(), "no flavour plugin is loaded, so no space can be created");
}

template <typename Writer>
void write_string(Writer &w, const char *key, const std::string &value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

template <typename Writer>
void write_tool(Writer &w, const sdk::ToolProbe &tool) {
    w.StartObject();
    write_string(w, "tool", tool.tool);
    w.Key("found");
    w.Bool(tool.found);
    w.Key("required");
    w.Bool(tool.required);
    write_string(w, "version", tool.version);
    write_string(w, "path", tool.path);
    write_string(w, "install_hint", tool.install_hint);
    w.EndObject();
}

} // namespace

ToolReport probe_tools(PluginHost &plugins, sdk::Host &host) {
    ToolReport report;
    ProbeCachingHost cached(host, std::filesystem::path(host.home_dir()) / "cache" / "tool-versions.json");
    auto flavours = start_probes("flavour", plugins.flavours(), cached);
    auto migrators = start_probes("migrator", plugins.migrators(), cached);
    auto snapshotters = start_probes("snapshotter", plugins.snapshotters(), cached);
    collect(flavours, report);
    collect(migrators, report);
    collect(snapshotters, report);
    cached.save();
    add_flavour_problems(report);
    add_unloaded(plugins.records(), report);
    return report;
}

std::string to_json(const ToolReport &report) {
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
    w.SetIndent(' ', 2);
    w.StartObject();
    w.Key("ready");
    w.Bool(report.ready());
    w.Key("problems");
    w.StartArray();
    for (const auto &problem : report.problems) w.String(problem.c_str());
    w.EndArray();
    w.Key("plugins");
    w.StartArray();
    for (const auto &entry : report.plugins) {
        w.StartObject();
        write_string(w, "kind", entry.kind);
        write_string(w, "name", entry.name);
        write_string(w, "status", entry.shadowed ? "shadowed" : to_string(entry.status));
        write_string(w, "reason", entry.reason);
        write_string(w, "hint", entry.hint);
        w.Key("tools");
        w.StartArray();
        for (const auto &tool : entry.tools) write_tool(w, tool);
        w.EndArray();
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return buffer.GetString();
}

} // namespace dspace
