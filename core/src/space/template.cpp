// Fresh data directories: versions, server users, and the cached template cluster they are copied from.
#include "internal.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/lock.hpp>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace dspace {

namespace {

//! The install hint of the first required tool the flavour misses, or a generic one.
std::string install_hint(HostServices &host, sdk::Flavour &flavour) {
    for (const auto &probe : flavour.probe(host))
        if (probe.required && !probe.found && !probe.install_hint.empty()) return probe.install_hint;
    return "install the " + flavour.name() + " server packages; `dspace plugins` shows what the flavour needs";
}

bool is_empty_or_missing(const std::filesystem::path &dir) {
    std::error_code ec;
    return !std::filesystem::exists(dir, ec) || std::filesystem::is_empty(dir, ec);
}

} // namespace

std::string SpaceManager::server_os_user(sdk::Flavour &flavour) const {
    if (!host_.running_as_root()) return {};
    auto configured = host_.config().get("flavours." + flavour.name() + ".server_user");
    return configured && !configured->empty() ? *configured : flavour.default_server_user();
}

std::string SpaceManager::choose_version(sdk::Flavour &flavour, const std::string &requested) const {
    auto versions = flavour.installed_versions(host_);
    if (versions.empty())
        throw Error("no " + flavour.name() + " server is installed on this machine", install_hint(host_, flavour));
    if (requested.empty()) return versions.front();
    for (const auto &v : versions)
        if (v == requested || v.rfind(requested + ".", 0) == 0) return v;
    std::string installed;
    for (const auto &v : versions) installed += (installed.empty() ? "" : ", ") + v;
    throw Error(flavour.name() + " version " + requested + " is not installed (installed: " + installed + ")",
                "pass --version with an installed version, or install version " + requested + " of the server");
}

void SpaceManager::open_home_for(const std::string &os_user) const {
    if (os_user.empty() || owner_of(os_user).uid == ::geteuid()) return;
    const Paths &p = host_.paths();
    // Others may pass through (x) but not list (no r): the server user reaches its own directories only.
    for (const auto &dir : {p.home(), p.spaces_dir(), p.cache_dir()}) {
        fs::make_home_dir(dir, 0711);
        if (::chmod(dir.c_str(), 0711) != 0)
            throw Error("cannot open " + dir.string() + " for the server user '" + os_user + "': " + std::strerror(errno));
    }
    check_reachable(p.spaces_dir(), os_user);
}

void SpaceManager::init_data_dir(const SpaceState &state, const std::filesystem::path &dir) {
    sdk::Flavour &f = flavour(state);
    Owner owner = owner_of(state.os_user);
    auto templates = host_.paths().cache_dir() / "templates";
    auto cached = templates / (state.flavour + "-" + state.version);
    std::error_code ec;
    if (!std::filesystem::is_directory(cached, ec)) {
        fs::make_private_dir(templates, 0711); // the server user must reach the template it initialises
        FileLock building(templates / (state.flavour + "-" + state.version + ".lock"), "the template cluster cache",
                          std::chrono::minutes(5));
        if (!std::filesystem::is_directory(cached, ec)) {
            auto staging = templates / (".tmp-" + state.flavour + "-" + state.version + "-" + random_token());
            make_owned_dir(staging, 0700, owner);
            sdk::Server srv = server(state);
            srv.space = state.name;
            srv.data_dir = staging.string();
            sdk::Status made = f.init_cluster(host_, srv);
            if (!made.ok()) {
                fs::remove_tree(staging);
                throw Error("cannot initialise a " + state.flavour + " " + state.version + " cluster: " + made.message(), made.hint());
            }
            fs::rename_durable(staging, cached);
        }
    }
    if (!is_empty_or_missing(dir))
        throw Error("cannot make a fresh data directory in " + dir.string() + ": it is not empty");
    std::filesystem::remove(dir, ec);
    fill_from_template(cached, dir, owner);
    sdk::Server srv = server(state);
    srv.data_dir = dir.string();
    throw_if_failed(f.configure(host_, srv));
}

} // namespace dspace
