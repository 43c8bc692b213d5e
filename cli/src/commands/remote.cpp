// `dspace remote add|rm|ls`: named storage destinations (file:// or s3://) kept in config.json.
#include "../command.hpp"
#include "../output.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/remotes.hpp>

#include <iostream>
#include <map>

namespace dspace::cli {

namespace {

const char *const remote_usage = "dspace remote add NAME URL | rm NAME | ls [--json]";

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

int run_remote(Context &context, const std::vector<std::string> &args) {
    static const std::map<std::string, int (*)(Context &, const std::vector<std::string> &)> sub_verbs{
        {"add", remote_add}, {"rm", remote_rm}, {"ls", remote_ls}};
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
    table.push_back({"remote", "add, remove or list storage destinations (file://, s3://)", run_remote});
}

} // namespace dspace::cli
