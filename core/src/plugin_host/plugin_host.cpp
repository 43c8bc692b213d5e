#include "guarded.hpp"
#include "legacy_capabilities.hpp"
#include "loader.hpp"
#include "messages.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/suggest.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/sdk/registrar.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace dspace {

namespace msg = plugin_messages;

const char *capability_kind(sdk::CapabilityId id) {
    switch (id) {
    case sdk::CapabilityId::logical_dump:
    case sdk::CapabilityId::quiesce:
    case sdk::CapabilityId::stop_command:
    case sdk::CapabilityId::display_url:
    case sdk::CapabilityId::page_layout:
    case sdk::CapabilityId::rekey: return "flavour";
    case sdk::CapabilityId::migration_plan: return "migrator";
    case sdk::CapabilityId::in_place_restore:
    case sdk::CapabilityId::shared_store:
    case sdk::CapabilityId::block_transfer:
    case sdk::CapabilityId::warm_spare: return "snapshotter";
    }
    return nullptr;
}

const char *to_string(PluginStatus status) {
    switch (status) {
    case PluginStatus::loaded: return "loaded";
    case PluginStatus::incompatible: return "incompatible";
    case PluginStatus::failed: return "failed";
    case PluginStatus::shadowed: return "shadowed";
    }
    return "failed";
}

namespace {

//! Objects of one kind, by name, with the file that registered each.
template <typename T>
struct Registry {
    struct Entry {
        std::unique_ptr<T> object;
        std::filesystem::path file;
    };
    std::map<std::string, Entry> entries;

    T *find(const std::string &name) const {
        auto it = entries.find(name);
        return it == entries.end() ? nullptr : it->second.object.get();
    }
    std::vector<T *> all() const {
        std::vector<T *> out;
        for (const auto &[name, entry] : entries) out.push_back(entry.object.get());
        return out;
    }
    std::vector<std::string> keys() const {
        std::vector<std::string> out;
        for (const auto &[name, entry] : entries) out.push_back(name);
        return out;
    }
    std::string names() const {
        std::string out;
        for (const auto &name : keys()) out += (out.empty() ? "" : ", ") + name;
        return out.empty() ? "none" : out;
    }
};

//! One capability a plugin provided: "<kind>/<owner>" and id -> its interface.
struct StagedCapability {
    std::string owner;
    sdk::CapabilityId id;
    void *iface;
};

//! Collects what one plugin registers; the host commits it only when registration succeeded.
class StagingRegistrar final : public sdk::Registrar {
public:
    void add_flavour(std::unique_ptr<sdk::Flavour> f) override { flavours.push_back(std::move(f)); }
    void add_migrator(std::unique_ptr<sdk::Migrator> m) override { migrators.push_back(std::move(m)); }
    void add_snapshotter(std::unique_ptr<sdk::Snapshotter> s) override { snapshotters.push_back(std::move(s)); }
    void add_capability(std::string_view owner, sdk::CapabilityId id, void *iface) override {
        capabilities.push_back({std::string(owner), id, iface});
    }
    void add_config_key(std::string_view key, sdk::ConfigKeyType type, std::string_view description) override {
        config_keys.push_back({std::string(key), type, std::string(description), {}});
    }
    std::vector<std::unique_ptr<sdk::Flavour>> flavours;
    std::vector<std::unique_ptr<sdk::Migrator>> migrators;
    std::vector<std::unique_ptr<sdk::Snapshotter>> snapshotters;
    std::vector<StagedCapability> capabilities;
    std::vector<DeclaredConfigKey> config_keys;

    //! Why a provided capability cannot be kept (unknown id, or no staged object of its kind has that name); empty when fine.
    std::string capability_problem() const {
        for (const auto &cap : capabilities) {
            const char *kind = capability_kind(cap.id);
            if (kind == nullptr)
                return "it provided capability id " + std::to_string(static_cast<std::uint32_t>(cap.id)) +
                       ", which this dspace does not know";
            if (cap.iface == nullptr) return "it provided a null capability for " + cap.owner;
            if (!has_staged(kind, cap.owner))
                return std::string("it provided a capability for ") + kind + " '" + cap.owner +
                       "', but registered no " + kind + " of that name";
        }
        return {};
    }

private:
    bool has_staged(const std::string &kind, const std::string &name) const {
        auto named = [&](const auto &objects) {
            return std::any_of(objects.begin(), objects.end(), [&](const auto &o) { return o->name() == name; });
        };
        if (kind == "flavour") return named(flavours);
        if (kind == "migrator") return named(migrators);
        return named(snapshotters);
    }
};

//! The key under which a capability is kept.
std::string capability_key(const std::string &kind, const std::string &owner, sdk::CapabilityId id) {
    return kind + "/" + owner + "#" + std::to_string(static_cast<std::uint32_t>(id));
}

//! Why a directory or file should not be trusted (world-writable, or owned by someone else); empty when fine.
std::string unsafe_reason(const std::filesystem::path &path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    if (st.st_mode & S_IWOTH) return "it is world-writable";
    if (st.st_uid != 0 && st.st_uid != ::geteuid()) return "it is owned by another user";
    return {};
}

//! Why the staged objects cannot be committed (a name already taken, or registered twice by the plugin); empty when fine.
template <typename T>
std::string duplicate_in(const Registry<T> &registry, const std::vector<std::unique_ptr<T>> &staged, const char *kind) {
    std::set<std::string> staged_names;
    for (const auto &object : staged) {
        std::string name = object->name();
        auto it = registry.entries.find(name);
        if (it != registry.entries.end()) return msg::duplicate(kind, name, it->second.file.string());
        if (!staged_names.insert(name).second) return msg::duplicate(kind, name, "the plugin itself");
    }
    return {};
}

//! Calls a descriptor's register function; a C++ exception from a hand-written one becomes an error too.
int call_register(const dspace_plugin_descriptor &descriptor, sdk::Registrar &registrar, char *err, size_t err_len) {
    try {
        return descriptor.register_fn(reinterpret_cast<dspace_registrar *>(&registrar), err, err_len);
    } catch (const std::exception &e) {
        std::snprintf(err, err_len, "%s", e.what());
    } catch (...) {
        std::snprintf(err, err_len, "unknown exception");
    }
    return 1;
}

//! Moves the staged objects into registry, each wrapped by guard (the host side of the boundary); returns the wrapped ones.
template <typename T, typename Guard>
std::vector<T *> commit(Registry<T> &registry, std::vector<std::unique_ptr<T>> &staged, const std::filesystem::path &file,
                        const plugin_guard::PluginIdentity &plugin, Guard guard) {
    std::vector<T *> committed;
    for (auto &object : staged) {
        std::string name = object->name();
        auto guarded = guard(std::move(object), plugin);
        committed.push_back(guarded.get());
        registry.entries.emplace(name, typename Registry<T>::Entry{std::move(guarded), file});
    }
    return committed;
}

//! The DSPACE_KIND_* bits of what staging holds.
std::uint32_t registered_kinds(const StagingRegistrar &staging) {
    return (staging.flavours.empty() ? 0u : DSPACE_KIND_FLAVOUR) | (staging.migrators.empty() ? 0u : DSPACE_KIND_MIGRATOR) |
           (staging.snapshotters.empty() ? 0u : DSPACE_KIND_SNAPSHOTTER);
}

//! True when file (under any path) is already among records.
bool already_recorded(const std::vector<PluginRecord> &records, const std::filesystem::path &file) {
    std::error_code ec;
    return std::any_of(records.begin(), records.end(),
                       [&](const PluginRecord &record) { return std::filesystem::equivalent(record.path, file, ec); });
}

template <typename T>
T &require(const Registry<T> &registry, const std::string &name, const char *kind) {
    if (T *found = registry.find(name)) return *found;
    std::string guess = did_you_mean(name, registry.keys());
    throw Error(std::string("unknown ") + kind + " '" + name + "'" + (guess.empty() ? "" : "; did you mean '" + guess + "'?") +
                    " (available: " + registry.names() + ")",
                "run `dspace plugins` to see every plugin found and why any failed to load");
}

} // namespace

struct PluginHost::Impl {
    // Destroyed in reverse order: objects first, libraries last (and only at exit).
    std::vector<boost::dll::shared_library> libraries;
    Registry<sdk::Flavour> flavours;
    Registry<sdk::Migrator> migrators;
    Registry<sdk::Snapshotter> snapshotters;
    std::vector<PluginRecord> records;
    std::vector<std::filesystem::path> scanned;
    std::map<std::string, std::filesystem::path> loaded_files; // "<kind>/<name>" -> file
    std::map<std::string, void *> capabilities;                // capability_key() -> interface
    std::vector<std::unique_ptr<plugin_loader::LegacyLogicalDump>> legacy_dumps; // adapters for SDK 1.0 flavours
    std::vector<std::shared_ptr<void>> capability_guards;                      // the decorators behind capabilities
    std::vector<DeclaredConfigKey> config_keys;

    //! Keeps everything a plugin registered, each object and capability behind its guard, and gives
    //! SDK 1.0 flavours the host's adapters (which call the guarded flavour).
    void commit_all(StagingRegistrar &staging, std::uint16_t abi_minor, const std::string &key,
                    const plugin_guard::PluginIdentity &plugin, const std::filesystem::path &file) {
        for (const auto &cap : staging.capabilities) {
            plugin_guard::GuardedCapability guarded = plugin_guard::guard_capability(cap.id, cap.iface, plugin);
            capabilities[capability_key(capability_kind(cap.id), cap.owner, cap.id)] = guarded.iface;
            capability_guards.push_back(std::move(guarded.holder));
        }
        for (sdk::Flavour *flavour : commit(flavours, staging.flavours, file, plugin, plugin_guard::guard_flavour)) {
            if (abi_minor != 0) continue;
            legacy_dumps.push_back(std::make_unique<plugin_loader::LegacyLogicalDump>(*flavour));
            capabilities[capability_key("flavour", flavour->name(), sdk::CapabilityId::logical_dump)] =
                static_cast<sdk::LogicalDump *>(legacy_dumps.back().get());
        }
        commit(migrators, staging.migrators, file, plugin, plugin_guard::guard_migrator);
        commit(snapshotters, staging.snapshotters, file, plugin, plugin_guard::guard_snapshotter);
        for (auto &declared : staging.config_keys) {
            declared.plugin = key;
            config_keys.push_back(std::move(declared));
        }
    }
};

PluginHost::PluginHost() : impl_(std::make_unique<Impl>()) {}
PluginHost::~PluginHost() = default;

PluginRecord PluginHost::try_load_file(const std::filesystem::path &file_in) {
    std::error_code ec;
    std::filesystem::path file = std::filesystem::absolute(file_in, ec);
    PluginRecord record;
    record.path = file;
    if (!std::filesystem::is_regular_file(file, ec)) {
        record.reason = "no such plugin file";
        record.hint = "check the path";
        return record;
    }
    auto file_name = plugin_loader::parse_file_name(file);
    if (!file_name) {
        record.reason = "the file name is not dspace_<kind>_<name>" + boost::dll::shared_library::suffix().string();
        record.hint = "kind is flavour, migrator or snapshotter; rename the file";
        return record;
    }
    std::string key = file_name->kind + "/" + file_name->name;
    if (auto it = impl_->loaded_files.find(key); it != impl_->loaded_files.end()) {
        record.kind = file_name->kind;
        record.name = file_name->name;
        record.status = PluginStatus::shadowed;
        record.reason = msg::shadowed(it->second.string());
        record.hint = msg::shadowed_hint;
        return record;
    }
    auto checked = plugin_loader::open_and_check(file, record);
    if (!checked) return record;

    StagingRegistrar staging;
    char err[1024] = {0};
    int rc = call_register(*checked->descriptor, staging, err, sizeof err);
    impl_->libraries.push_back(std::move(checked->library)); // never unloaded, even on failure
    if (rc != 0) {
        record.status = PluginStatus::failed;
        record.reason = msg::register_failed(err[0] ? err : "no message");
        record.hint = msg::register_failed_hint;
        return record;
    }
    if (std::uint32_t registered = registered_kinds(staging); (registered & ~checked->descriptor->kinds) != 0) {
        record.status = PluginStatus::failed;
        record.reason = msg::kinds_differ(checked->descriptor->kinds, registered);
        record.hint = msg::kinds_differ_hint;
        return record;
    }
    try { // the checks below call the plugin's name()
        if (std::string problem = staging.capability_problem(); !problem.empty()) {
            record.status = PluginStatus::failed;
            record.reason = msg::register_failed(problem);
            record.hint = msg::register_failed_hint;
            return record;
        }
        std::string duplicate = duplicate_in(impl_->flavours, staging.flavours, "flavour");
        if (duplicate.empty()) duplicate = duplicate_in(impl_->migrators, staging.migrators, "migrator");
        if (duplicate.empty()) duplicate = duplicate_in(impl_->snapshotters, staging.snapshotters, "snapshotter");
        if (!duplicate.empty()) {
            record.status = PluginStatus::failed;
            record.reason = duplicate;
            record.hint = msg::duplicate_hint;
            return record;
        }
        plugin_guard::PluginIdentity identity{record.kind, record.name, file.string(), record.version};
        impl_->commit_all(staging, checked->descriptor->abi_minor, key, identity, file);
    } catch (const std::exception &e) {
        record.status = PluginStatus::failed;
        record.reason = msg::register_failed(std::string("an exception escaped while its objects were checked: ") + e.what());
        record.hint = msg::register_failed_hint;
        return record;
    }
    impl_->loaded_files.emplace(key, file);
    record.status = PluginStatus::loaded;
    return record;
}

PluginRecord PluginHost::load_file(const std::filesystem::path &file) {
    PluginRecord record = try_load_file(file);
    impl_->records.push_back(record);
    if (record.status != PluginStatus::loaded)
        throw Error("cannot load plugin " + record.path.string() + ": " + record.reason, record.hint);
    return record;
}

void PluginHost::load(const PluginSearchOptions &options, const std::vector<std::filesystem::path> &dirs) {
    for (const auto &file : options.explicit_files) load_file(file);
    const std::string suffix = boost::dll::shared_library::suffix().string();
    for (const auto &dir : dirs) {
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec)) continue;
        if (std::string why = unsafe_reason(dir); !why.empty()) {
            spdlog::warn("skipping plugin directory {}: {}", dir.string(), why);
            continue;
        }
        impl_->scanned.push_back(dir);
        std::vector<std::filesystem::path> files;
        for (const auto &entry : std::filesystem::directory_iterator(dir, ec)) {
            std::string file_name = entry.path().filename().string();
            if (file_name.rfind("dspace_", 0) == 0 && file_name.size() > suffix.size() &&
                file_name.compare(file_name.size() - suffix.size(), suffix.size(), suffix) == 0)
                files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        for (const auto &file : files) {
            if (already_recorded(impl_->records, file)) continue; // e.g. named with --plugin and also found in a directory
            PluginRecord record;
            if (std::string why = unsafe_reason(file); !why.empty()) {
                record.path = file;
                record.reason = "not loaded: " + why;
                record.hint = "chmod o-w " + file.string() + " (and make it owned by you or root) if you trust it";
            } else {
                record = try_load_file(file);
            }
            if (record.status != PluginStatus::loaded)
                spdlog::debug("plugin {} not loaded: {}", file.string(), record.reason);
            impl_->records.push_back(std::move(record));
        }
    }
}

const std::vector<PluginRecord> &PluginHost::records() const { return impl_->records; }
const std::vector<std::filesystem::path> &PluginHost::scanned_dirs() const { return impl_->scanned; }

namespace {
//! The flavour name users may type instead of name's own ("mariadb" for "mysql"), or name itself.
std::string flavour_alias(const std::string &name) {
    static const std::map<std::string, std::string> aliases{{"mariadb", "mysql"}, {"postgresql", "postgres"}};
    auto it = aliases.find(name);
    return it == aliases.end() ? name : it->second;
}
} // namespace

sdk::Flavour *PluginHost::try_flavour(const std::string &name) const {
    sdk::Flavour *found = impl_->flavours.find(name);
    return found ? found : impl_->flavours.find(flavour_alias(name));
}
sdk::Flavour &PluginHost::flavour(const std::string &name) const {
    if (sdk::Flavour *found = try_flavour(name)) return *found;
    return require(impl_->flavours, name, "flavour");
}
sdk::Migrator *PluginHost::try_migrator(const std::string &name) const { return impl_->migrators.find(name); }
sdk::Migrator &PluginHost::migrator(const std::string &name) const { return require(impl_->migrators, name, "migrator"); }
sdk::Snapshotter *PluginHost::try_snapshotter(const std::string &name) const { return impl_->snapshotters.find(name); }
sdk::Snapshotter &PluginHost::snapshotter(const std::string &name) const {
    return require(impl_->snapshotters, name, "snapshotter");
}
std::vector<sdk::Flavour *> PluginHost::flavours() const { return impl_->flavours.all(); }
std::vector<sdk::Migrator *> PluginHost::migrators() const { return impl_->migrators.all(); }
std::vector<sdk::Snapshotter *> PluginHost::snapshotters() const { return impl_->snapshotters.all(); }
std::vector<std::string> PluginHost::loaded_names(const std::string &kind) const {
    if (kind == "flavour") return impl_->flavours.keys();
    if (kind == "migrator") return impl_->migrators.keys();
    if (kind == "snapshotter") return impl_->snapshotters.keys();
    return {};
}

void *PluginHost::find_capability(const std::string &owner, sdk::CapabilityId id) const {
    const char *kind = capability_kind(id);
    if (kind == nullptr) return nullptr;
    auto it = impl_->capabilities.find(capability_key(kind, owner, id));
    return it == impl_->capabilities.end() ? nullptr : it->second;
}

const std::vector<DeclaredConfigKey> &PluginHost::declared_config_keys() const { return impl_->config_keys; }

} // namespace dspace
