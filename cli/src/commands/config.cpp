// dspace config get|set|unset|list: reads and edits $DSPACE_HOME/config.json by dotted key.
#include "../command.hpp"

#include <dspace/core/config_keys.hpp>
#include <dspace/core/error.hpp>
#include <dspace/core/lock.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iostream>

namespace dspace::cli {

namespace {

const char *const config_usage = "dspace config get KEY | set KEY VALUE | unset KEY | list  [--json]";

//! {"key": KEY, "value": VALUE} with VALUE as it is stored in config.json (a number stays a number, an
//! object an object); empty when the key is not set.
std::string key_value_json(Config &config, const std::string &key) {
    rapidjson::Document whole;
    whole.Parse(config.to_json().c_str());
    const rapidjson::Value *node = &whole;
    for (size_t start = 0; node;) {
        size_t dot = key.find('.', start);
        std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        auto member = node->IsObject() ? node->FindMember(part.c_str()) : node->MemberEnd();
        node = node->IsObject() && member != node->MemberEnd() ? &member->value : nullptr;
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    if (!node) return {};
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("key");
    w.String(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
    w.Key("value");
    node->Accept(w);
    w.EndObject();
    return buffer.GetString();
}

void expect_arguments(const std::string &action, const std::vector<std::string> &words, size_t count) {
    if (words.size() != count + 1)
        throw UsageError("dspace config " + action + " takes " + std::to_string(count) + " argument" + (count == 1 ? "" : "s") +
                             ", " + std::to_string(words.size() - 1) + " given",
                         std::string("usage: ") + config_usage);
}

int config_get(Context &context, const std::string &key, bool json) {
    auto value = context.config().get(key);
    if (!value)
        throw Error("configuration key '" + key + "' is not set", "`dspace config list` shows the keys that are set");
    std::cout << (json ? key_value_json(context.config(), key) : *value) << "\n";
    return exit_ok;
}

int config_list(Context &context, bool json) {
    if (json) {
        std::cout << context.config().to_json() << "\n";
        return exit_ok;
    }
    for (const auto &[key, value] : context.config().list()) std::cout << key << " = " << value << "\n";
    return exit_ok;
}

int run_config(Context &context, const std::vector<std::string> &args) {
    VerbSpec spec;
    spec.usage = config_usage;
    spec.description =
        "Reads and edits the configuration in $DSPACE_HOME/config.json. Keys are dotted paths into nested objects,\n"
        "e.g. snapshots.default_snapshotter. `set` stores VALUE as JSON when it is a JSON number, true/false, null,\n"
        "string or array, and as text otherwise. Changes are written atomically under the home lock.\n"
        "`set` accepts only known keys, with values of their type: snapshots.default_snapshotter,\n"
        "spaces.listen_address, plugins.search_paths (a JSON array), flavours.NAME.server_user, and any key\n"
        "below a loaded plugin's own section (flavours.NAME.*, snapshotters.NAME.*, migrators.NAME.*).\n"
        "`get` of a key that is not set exits with status 1.";
    spec.options.add_options()
        ("json", "print JSON (get: {\"key\",\"value\"}; list: the whole configuration)")
        ("words", po::value<std::vector<std::string>>()->default_value({}, ""), "action and its arguments");
    spec.positional.add("words", -1);
    po::variables_map vm;
    if (!parse_verb("config", spec, args, vm)) return exit_ok;
    const auto &words = vm["words"].as<std::vector<std::string>>();
    bool json = vm.count("json") > 0;
    if (words.empty()) throw UsageError("dspace config needs an action", std::string("usage: ") + config_usage);
    const std::string &action = words[0];

    if (action == "get") {
        expect_arguments(action, words, 1);
        return config_get(context, words[1], json);
    }
    if (action == "list") {
        expect_arguments(action, words, 0);
        return config_list(context, json);
    }
    if (action == "set") {
        expect_arguments(action, words, 2);
        register_plugin_config_keys(context.plugins());
        context.edit_config([&](Config &config) {
            config.set_checked(words[1], words[2]);
            return true;
        });
        std::cout << words[1] << " = " << context.config().get(words[1]).value_or("") << "\n";
        return exit_ok;
    }
    if (action == "unset") {
        expect_arguments(action, words, 1);
        bool removed = context.edit_config([&](Config &config) { return config.unset(words[1]); });
        std::cout << (removed ? "unset " : "nothing to do: not set: ") << words[1] << "\n";
        return exit_ok;
    }
    throw UsageError("unknown config action '" + action + "'", std::string("usage: ") + config_usage);
}

} // namespace

void add_config_commands(std::vector<Command> &table) {
    table.push_back({"config", "get, set, unset or list configuration keys", run_config});
}

} // namespace dspace::cli
