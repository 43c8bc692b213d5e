// `dspace remote add|rm|ls`: named storage destinations (file:// or s3://) kept in config.json.
#include "../command.hpp"
#include "../output.hpp"
#include "snapshot_services.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/duration.hpp>
#include <dspace/core/remotes.hpp>
#include <dspace/core/transfer.hpp>

#include <iostream>
#include <map>

namespace dspace::cli {

namespace {

const char *const remote_usage = "dspace remote add NAME URL | rm NAME | ls [--json] | gc NAME [--grace DURATION] [--dry-run] [--json]";

int remote_add(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace remote add NAME URL";
    spec.description = "Adds a storage destination for push and pull: file:///absolute/path, or s3://bucket[/prefix].\n"
                       "S3 settings come from the environment, never from dspace's files: AWS_ACCESS_KEY_ID,\n"
                       "AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_ENDPOINT_URL (MinIO, Ceph RGW, ...), or\n"
                       "AWS_PROFILE naming a profile in ~/.aws/credentials. DSPACE_S3_ADDRESSING_STYLE=path|virtual chooses\n"
                       "the addressing (default: path with AWS_ENDPOINT_URL, virtual-host otherwise).\n"
                       "`dspace config set storage.default_remote NAME` makes it the default.";
    std::string name, url;
    spec.options.add_options()("name", po::value(&name)->required(), "the remote's name")("url", po::value(&url)->required(),
                                                                                           "file:///path or s3://bucket/prefix");
    spec.positional.add("name", 1).add("url", 1);
    po::variables_map vm;
    if (!parse_verb("remote add", spec, args, vm)) return exit_ok;
    context.edit_config([&](Config &config) {
        add_remote(config, name, url);
        return true;
    });
    std::cout << "added remote '" << name << "' (" << url << ")\n";
    return exit_ok;
}

int remote_rm(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace remote rm NAME";
    spec.description = "Forgets remote NAME. Nothing stored at the destination is removed.";
    std::string name;
    spec.options.add_options()("name", po::value(&name)->required(), "the remote's name");
    spec.positional.add("name", 1);
    po::variables_map vm;
    if (!parse_verb("remote rm", spec, args, vm)) return exit_ok;
    context.edit_config([&](Config &config) {
        remove_remote(config, name);
        return true;
    });
    std::cout << "removed remote '" << name << "'\n";
    return exit_ok;
}

int remote_ls(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace remote ls [--json]";
    spec.description = "Lists the remotes, the default one marked.";
    spec.options.add_options()("json", "print a JSON array of {name, url, default}");
    po::variables_map vm;
    if (!parse_verb("remote ls", spec, args, vm)) return exit_ok;
    auto remotes = list_remotes(context.config());
    std::string default_name = context.config().get("storage.default_remote").value_or("");
    if (vm.count("json")) {
        print_json_array(remotes, [&](JsonWriter &w, const Remote &r) {
            json_field(w, "name", r.name);
            json_field(w, "url", r.url);
            w.Key("default");
            w.Bool(r.name == default_name);
        });
        return exit_ok;
    }
    std::vector<std::vector<std::string>> rows{{"NAME", "URL", "DEFAULT"}};
    for (const auto &r : remotes) rows.push_back({r.name, r.url, r.name == default_name ? "yes" : ""});
    print_table(rows);
    return exit_ok;
}

int remote_gc(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = "dspace remote gc NAME [--grace DURATION] [--dry-run] [--json]";
    spec.description = "Frees space on remote NAME: removes the packs no snapshot there uses a block of (index first, then pack),\n"
                       "the payload of snapshots whose push never finished, and what interrupted writes left, but only objects\n"
                       "older than the grace period: a push in progress elsewhere publishes its snapshot last, so the packs it has\n"
                       "stored so far are young. `dspace snapshot rm NAME SNAP --remote REMOTE` first removes a snapshot from\n"
                       "the remote; this then frees what only that snapshot used. gc runs alone: it holds a lock at the remote\n"
                       "(locks/) and refuses, removing nothing, while a push from any machine holds one; pushes refuse while it\n"
                       "runs. A lock not refreshed for 30 min was left by a killed command: gc ignores it and removes it.";
    std::string name, grace_text = "1h";
    spec.options.add_options()("name", po::value(&name)->required(), "the remote")(
        "grace", po::value(&grace_text), "keep objects younger than this (e.g. 30m, 1h, 2d; default 1h)")(
        "dry-run", "list what would be removed, remove nothing")("json", "print a JSON object {removed: [{key, bytes, why}], bytes_freed, dry_run}");
    spec.positional.add("name", 1);
    po::variables_map vm;
    if (!parse_verb("remote gc", spec, args, vm)) return exit_ok;
    std::chrono::seconds grace = parse_duration(grace_text);
    bool dry_run = vm.count("dry-run") > 0;
    Remote remote = find_remote(context.config(), name);
    SnapshotServices services(context, Access::read_only);
    TransferService transfer(context.host(), context.plugins(), services.spaces, services.snapshots);
    RemoteGcResult result = transfer.gc_remote(remote, grace, dry_run);
    if (vm.count("json")) {
        print_json([&](JsonWriter &w) {
            w.StartObject();
            w.Key("removed");
            w.StartArray();
            for (const auto &object : result.removed) {
                w.StartObject();
                json_field(w, "key", object.key);
                w.Key("bytes");
                w.Uint64(object.size_bytes);
                json_field(w, "why", object.why);
                w.EndObject();
            }
            w.EndArray();
            w.Key("bytes_freed");
            w.Uint64(result.bytes_freed);
            w.Key("dry_run");
            w.Bool(dry_run);
            w.EndObject();
        });
        return exit_ok;
    }
    for (const auto &object : result.removed)
        std::cout << (dry_run ? "would remove " : "removed ") << object.key << " (" << object.why << ", " << human_size(object.size_bytes) << ")\n";
    std::cout << (dry_run ? "would free " : "freed ") << human_size(result.bytes_freed) << " on '" << remote.name << "'; kept "
              << result.packs_in_use << " packs in use and " << result.kept_young << " unused objects younger than " << grace_text << "\n";
    if (result.blocks_lacking)
        std::cerr << "warning: " << result.blocks_lacking << " blocks the remote's snapshots use are in no pack: push those snapshots again\n";
    return exit_ok;
}

int run_remote(Context &context, const std::vector<std::string> &args) {
    static const std::map<std::string, int (*)(Context &, const std::vector<std::string> &)> sub_verbs{
        {"add", remote_add}, {"rm", remote_rm}, {"ls", remote_ls}, {"gc", remote_gc}};
    if (!args.empty() && (args.front() == "--help" || args.front() == "-h")) {
        std::cout << "Usage: " << remote_usage << "\n\nManages storage destinations for push and pull (`dspace remote add --help`).\n";
        return exit_ok;
    }
    auto it = args.empty() ? sub_verbs.end() : sub_verbs.find(args.front());
    if (it == sub_verbs.end())
        throw UsageError(args.empty() ? "dspace remote needs a sub-command" : "unknown sub-command 'remote " + args.front() + "'",
                         std::string("usage: ") + remote_usage);
    return it->second(context, std::vector<std::string>(args.begin() + 1, args.end()));
}

} // namespace

void add_remote_commands(std::vector<Command> &table) {
    table.push_back({"remote", "add, remove, list or clean up storage destinations (file://, s3://)", run_remote});
}

} // namespace dspace::cli
