// `dspace plugins`: every plugin file found, loaded or not, and why.
#include "../command.hpp"
#include "../output.hpp"

#include <dspace/core/error.hpp>

namespace dspace::cli {

namespace {

//! The names of the loaded plugins of kind ("flavour", "migrator" or "snapshotter", also plural).
std::vector<std::string> loaded_names(PluginHost &host, std::string kind) {
    if (!kind.empty() && kind.back() == 's') kind.pop_back();
    std::vector<std::string> names;
    auto add = [&](const auto &objects) {
        for (const auto *object : objects) names.push_back(object->name());
    };
    if (kind == "flavour") add(host.flavours());
    else if (kind == "migrator") add(host.migrators());
    else if (kind == "snapshotter") add(host.snapshotters());
    else throw UsageError("--names takes flavour, migrator or snapshotter, not '" + kind + "'");
    return names;
}

int run_plugins(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace plugins [--json | --names KIND]";
    spec.description = "Lists every plugin file found on the search path, in search order: loaded, incompatible\n"
                       "(built for another SDK or toolchain) or failed, with the reason and how to fix it.";
    std::string names_of;
    spec.options.add_options()("json", "print a JSON array of {kind, name, version, sdk, path, status, reason}")(
        "names", po::value(&names_of), "KIND: print only the names of the loaded flavours, migrators or snapshotters (for completion)");
    po::variables_map vm;
    if (!parse_verb("plugins", spec, args, vm)) return exit_ok;

    PluginHost &host = context.plugins();
    if (vm.count("names")) {
        for (const auto &name : loaded_names(host, names_of)) std::cout << name << "\n";
        return exit_ok;
    }
    if (vm.count("json")) {
        print_json_array(host.records(), [](JsonWriter &w, const auto &r) {
            json_field(w, "kind", r.kind);
            json_field(w, "name", r.name);
            json_field(w, "version", r.version);
            json_field(w, "sdk", r.sdk);
            json_field(w, "path", r.path.string());
            json_field(w, "status", to_string(r.status));
            json_field(w, "reason", r.hint.empty() ? r.reason : r.reason + "; " + r.hint);
        });
        return exit_ok;
    }
    std::vector<std::vector<std::string>> rows{{"STATUS", "KIND", "NAME", "VERSION", "SDK", "PATH"}};
    for (const auto &r : host.records())
        rows.push_back({to_string(r.status), r.kind, r.name, r.version, r.sdk, r.path.string()});
    print_table(rows);
    for (const auto &r : host.records())
        if (r.status != PluginStatus::loaded)
            std::cout << "\n" << r.path.filename().string() << ": " << r.reason << "\n  fix: " << r.hint << "\n";
    std::cout << "\nSearch path (first found wins):\n";
    for (const auto &dir : plugin_search_dirs(context.options().plugins, context.config(), context.paths()))
        std::cout << "  " << dir.string() << "\n";
    return exit_ok;
}

} // namespace

void add_plugins_commands(std::vector<Command> &table) {
    table.push_back({"plugins", "list plugin files found, loaded or not, and why", run_plugins});
}

} // namespace dspace::cli
