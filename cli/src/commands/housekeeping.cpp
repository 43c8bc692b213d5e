// dspace cache ls|clear and dspace gc: what the home keeps besides spaces and snapshots.
#include "../command.hpp"
#include "../output.hpp"
#include "space_common.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/expiry.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/housekeeping.hpp>
#include <dspace/core/snapshot.hpp>

#include <iostream>

namespace dspace::cli {

namespace {

int run_cache(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace cache ls|clear [--json]";
    spec.description =
        "Each home caches one initialised cluster per flavour and version (and a ready copy of it) so that create\n"
        "takes a second. `ls` shows them with their size; `clear` deletes them; the next create rebuilds the one\n"
        "it needs.";
    std::string action;
    spec.options.add_options()("action", po::value(&action)->required(), "ls or clear")("json", "ls: print a JSON array of {name, size_bytes, spare}");
    spec.positional.add("action", 1);
    po::variables_map vm;
    if (!parse_verb("cache", spec, args, vm)) return exit_ok;
    context.ensure_home();
    if (action == "ls" || action == "list") {
        auto templates = cached_templates(context.paths());
        if (vm.count("json")) {
            print_json_array(templates, [](JsonWriter &w, const CachedTemplate &t) {
                json_field(w, "name", t.name);
                w.Key("size_bytes");
                w.Uint64(t.size_bytes);
                w.Key("spare");
                w.Bool(t.has_spare);
            });
            return exit_ok;
        }
        if (templates.empty()) {
            std::cout << "no cached templates; the next create builds one\n";
            return exit_ok;
        }
        std::vector<std::vector<std::string>> rows{{"TEMPLATE", "SIZE", "SPARE"}};
        for (const auto &t : templates) rows.push_back({t.name, human_size(t.size_bytes), t.has_spare ? "ready" : "-"});
        print_table(rows);
        return exit_ok;
    }
    if (action == "clear") {
        std::uint64_t freed = clear_template_cache(context.paths());
        std::cout << "cleared the template cache: freed " << human_size(freed) << "\n";
        return exit_ok;
    }
    throw UsageError("unknown cache action '" + action + "'", "usage: " + spec.usage);
}

int run_gc(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace gc";
    spec.description =
        "Removes spaces whose --ttl has passed, and temporary files that killed commands left in the cache (template\n"
        "builds and refills nobody works on, plugin scratch files older than a day) and stored snapshot data no\n"
        "snapshot uses any more (`dspace snapshot gc`), and prints what it freed. Interrupted snapshots are checked\n"
        "by `dspace snapshot verify --repair`.";
    po::variables_map vm;
    if (!parse_verb("gc", spec, args, vm)) return exit_ok;
    context.ensure_home();
    SpaceManager spaces(context.host(), context.plugins());
    spaces.recover_leftovers();
    std::uint64_t total = 0;
    for (const auto &state : spaces.list()) {
        if (state.expires.empty() || seconds_until(state.expires) > 0) continue;
        std::uint64_t size = fs::tree_size(spaces.space_dir(state.name));
        spaces.remove(state.name, false);
        std::cout << "removed expired space " << state.name << " (" << human_size(size) << ")\n";
        total += size;
    }
    for (const auto &freed : remove_orphaned_temporaries(context.paths())) {
        std::cout << "removed " << freed.what << " (" << human_size(freed.size_bytes) << ")\n";
        total += freed.size_bytes;
    }
    std::uint64_t unreferenced = SnapshotService(context.host(), context.plugins(), spaces).collect_garbage();
    if (unreferenced > 0) std::cout << "removed snapshot data no snapshot uses (" << human_size(unreferenced) << ")\n";
    total += unreferenced;
    std::cout << "freed " << human_size(total) << "\n";
    return exit_ok;
}

} // namespace

void add_housekeeping_commands(std::vector<Command> &table) {
    table.push_back({"cache", "show or clear the cached template clusters", run_cache});
    table.push_back({"gc", "remove expired spaces, leftover temporary files and unused snapshot data", run_gc});
}

} // namespace dspace::cli
