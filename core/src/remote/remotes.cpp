// Remotes in config.json: remotes.<name>.url, and storage.default_remote.
#include <dspace/core/error.hpp>
#include <dspace/core/names.hpp>
#include <dspace/core/remotes.hpp>
#include <dspace/core/storage.hpp>
#include <dspace/core/suggest.hpp>

namespace dspace {

namespace {

const std::string prefix = "remotes.";
const std::string suffix = ".url";
const std::string default_key = "storage.default_remote";

std::string url_key(const std::string &name) { return prefix + name + suffix; }

std::string names_of(const std::vector<Remote> &remotes) {
    std::string names;
    for (const auto &r : remotes) names += (names.empty() ? "" : ", ") + r.name;
    return names.empty() ? "none yet" : names;
}

} // namespace

std::vector<Remote> list_remotes(const Config &config) {
    std::vector<Remote> remotes;
    for (const auto &[key, value] : config.list()) {
        if (key.rfind(prefix, 0) != 0 || key.size() <= prefix.size() + suffix.size() ||
            key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0)
            continue;
        std::string name = key.substr(prefix.size(), key.size() - prefix.size() - suffix.size());
        if (name.find('.') == std::string::npos) remotes.push_back({name, config.get(key).value_or(value)});
    }
    return remotes; // config.list() is sorted by key, so by name
}

void add_remote(Config &config, const std::string &name, const std::string &url) {
    validate_name(name, "remote");
    validate_storage_url(url);
    if (config.get(url_key(name)))
        throw Error("remote '" + name + "' already exists (" + *config.get(url_key(name)) + ")",
                    "remove it first with `dspace remote rm " + name + "`, or choose another name");
    config.set_checked(url_key(name), url);
}

void remove_remote(Config &config, const std::string &name) {
    (void)find_remote(config, name);
    (void)config.unset("remotes." + name);
    if (config.get(default_key) == name) (void)config.unset(default_key);
}

Remote find_remote(const Config &config, const std::string &name) {
    std::string wanted = name;
    if (wanted.empty()) {
        auto configured = config.get(default_key);
        if (!configured)
            throw UsageError("no remote given and no default remote is set",
                             "name one (`dspace remote ls` lists them), or set one: `dspace config set " + default_key + " NAME`");
        wanted = *configured;
    }
    validate_name(wanted, "remote");
    auto url = config.get(url_key(wanted));
    if (!url) {
        auto remotes = list_remotes(config);
        std::vector<std::string> names;
        for (const auto &r : remotes) names.push_back(r.name);
        std::string suggestion = did_you_mean(wanted, names);
        throw Error("remote '" + wanted + "' does not exist",
                    (suggestion.empty() ? "" : "did you mean '" + suggestion + "'? ") + "known remotes: " + names_of(remotes) +
                        "; add one with `dspace remote add NAME URL`");
    }
    return {wanted, *url};
}

} // namespace dspace
