// `dspace plugins`: every plugin file found, loaded or not, and why; `plugins install` and `plugins rm`.
#include "../command.hpp"
#include "../output.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/plugin_install.hpp>

#include <map>

namespace dspace::cli {

namespace {

//! The directory `install`/`rm` manage: $DSPACE_HOME/plugins/<major>, or this installation's with --system.
PluginInstaller installer(Context &context, bool system) {
    if (!system) context.ensure_home();
    return system ? PluginInstaller(system_plugin_dir(), 0755, context.plugins())
                  : PluginInstaller(user_plugin_dir(context.paths()), 0700, context.plugins());
}

int plugins_install(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace plugins install FILE [--system] [--force]";
    spec.description =
        "Installs a plugin file (dspace_<kind>_<name>.so) or an org bundle (.tar.zst made with dspace_add_bundle) into\n"
        "$DSPACE_HOME/plugins/<major>, or with --system into this dspace installation's plugin directory. Every file's\n"
        "SHA-256 (bundles) and handshake are checked before anything is installed: all or nothing.";
    std::string file;
    bool system = false, force = false;
    spec.options.add_options()("file", po::value(&file)->required(), "the plugin file or bundle")(
        "system", po::bool_switch(&system), "install into this dspace installation's plugin directory")(
        "force", po::bool_switch(&force), "replace a file another plugin or bundle installed, or install beside another loaded copy");
    spec.positional.add("file", 1);
    po::variables_map vm;
    if (!parse_verb("plugins install", spec, args, vm)) return exit_ok;
    InstallReport report = installer(context, system).install(file, force);
    if (!report.bundle.empty())
        std::cout << "installed bundle " << report.bundle << " " << report.bundle_version << " (" << report.plugins.size() << " plugins)\n";
    for (const auto &p : report.plugins)
        std::cout << "installed " << p.kind << "/" << p.name << " " << p.version << " into " << p.path.string() << "\n";
    return exit_ok;
}

int plugins_rm(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace plugins rm NAME|KIND/NAME|BUNDLE [--system]";
    spec.description = "Removes a bundle (every file it installed) or one plugin that `dspace plugins install` installed.\n"
                       "A bundle name is tried first; a plugin of a bundle goes only with its bundle.";
    std::string what;
    bool system = false;
    spec.options.add_options()("what", po::value(&what)->required(), "the bundle, or the plugin as <kind>/<name> or <name>")(
        "system", po::bool_switch(&system), "remove from this dspace installation's plugin directory");
    spec.positional.add("what", 1);
    po::variables_map vm;
    if (!parse_verb("plugins rm", spec, args, vm)) return exit_ok;
    RemoveReport report = installer(context, system).remove(what);
    if (!report.bundle.empty()) std::cout << "removed bundle " << report.bundle << "\n";
    for (const auto &path : report.removed) std::cout << "removed " << path.string() << "\n";
    return exit_ok;
}

int plugins_list(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace plugins [--json] [--names KIND]\n"
                 "       dspace plugins install|rm ... (see `dspace plugins install --help` ...)";
    spec.description = "Lists every plugin file found on the search path, in search order: loaded, incompatible\n"
                       "(built for another SDK or toolchain) or failed, with the reason and how to fix it.";
    std::string names_kind;
    spec.options.add_options()("json", "print a JSON array of {kind, name, version, sdk, path, status, reason, bundle}")(
        "names", po::value(&names_kind)->value_name("KIND"), "print the names of the loaded objects of KIND (flavour, migrator, snapshotter), one a line");
    po::variables_map vm;
    if (!parse_verb("plugins", spec, args, vm)) return exit_ok;

    PluginHost &host = context.plugins();
    if (vm.count("names")) {
        if (names_kind != "flavour" && names_kind != "migrator" && names_kind != "snapshotter")
            throw UsageError("dspace plugins --names: KIND is flavour, migrator or snapshotter, not '" + names_kind + "'");
        for (const auto &name : host.loaded_names(names_kind)) std::cout << name << "\n";
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
            w.Key("bundle");
            if (std::string bundle = bundle_of(r.path); bundle.empty()) w.Null();
            else w.String(bundle.c_str());
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

int run_plugins(Context &context, const std::vector<std::string> &args) {
    static const std::map<std::string, int (*)(Context &, const std::vector<std::string> &)> sub_verbs{
        {"install", plugins_install}, {"rm", plugins_rm}};
    if (!args.empty()) {
        auto it = sub_verbs.find(args.front());
        if (it != sub_verbs.end()) return it->second(context, std::vector<std::string>(args.begin() + 1, args.end()));
    }
    return plugins_list(context, args);
}

} // namespace

void add_plugins_commands(std::vector<Command> &table) {
    table.push_back({"plugins", "list plugin files found, loaded or not, and why; install or remove plugins and bundles", run_plugins});
}

} // namespace dspace::cli
