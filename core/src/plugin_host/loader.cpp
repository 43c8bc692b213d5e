#include "loader.hpp"
#include "elf_symbols.hpp"
#include "messages.hpp"

#include <dspace/sdk/abi_tag.hpp>
#include <dspace/sdk/version.hpp>

#include <array>

namespace dspace::plugin_loader {

namespace msg = plugin_messages;

namespace {

constexpr std::array kinds{"flavour", "migrator", "snapshotter"};

//! The minimum descriptor size this host understands (SDK 1.0).
constexpr uint32_t min_descriptor_size = sizeof(dspace_plugin_descriptor);

uint32_t kind_bit(const std::string &kind) {
    if (kind == "flavour") return DSPACE_KIND_FLAVOUR;
    if (kind == "migrator") return DSPACE_KIND_MIGRATOR;
    return DSPACE_KIND_SNAPSHOTTER;
}

void reject(PluginRecord &record, PluginStatus status, std::string reason, std::string hint) {
    record.status = status;
    record.reason = std::move(reason);
    record.hint = std::move(hint);
}

} // namespace

std::optional<FileName> parse_file_name(const std::filesystem::path &file) {
    std::string stem = file.filename().string();
    const std::string suffix = boost::dll::shared_library::suffix().string();
    if (stem.size() <= suffix.size() || stem.compare(stem.size() - suffix.size(), suffix.size(), suffix) != 0) return std::nullopt;
    stem.resize(stem.size() - suffix.size());
    const std::string prefix = "dspace_";
    if (stem.rfind(prefix, 0) != 0) return std::nullopt;
    for (const char *kind : kinds) {
        std::string head = prefix + kind + "_";
        if (stem.rfind(head, 0) == 0 && stem.size() > head.size()) return FileName{kind, stem.substr(head.size())};
    }
    return std::nullopt;
}

std::optional<Checked> open_and_check(const std::filesystem::path &file, PluginRecord &record) {
    record.path = file;
    if (auto parsed = parse_file_name(file)) {
        record.kind = parsed->kind;
        record.name = parsed->name;
    }
    // Look for the entry symbol without running any of the file's code.
    auto lookup = find_exported_symbol(file, DSPACE_PLUGIN_ENTRY_SYMBOL);
    switch (lookup.verdict) {
    case ElfLookup::exported: break;
    case ElfLookup::not_shared_object:
        reject(record, PluginStatus::failed, msg::not_shared_object(lookup.found), msg::not_shared_object_hint);
        return std::nullopt;
    case ElfLookup::other_platform:
        reject(record, PluginStatus::incompatible, msg::other_platform(lookup.found), msg::rebuild_hint);
        return std::nullopt;
    case ElfLookup::missing:
        reject(record, PluginStatus::failed, msg::no_entry_point(),
               "build it with DSPACE_PLUGIN(...) from <dspace/sdk/plugin.hpp>, or remove the file");
        return std::nullopt;
    }

    Checked checked;
    try {
        checked.library.load(file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception &e) {
        reject(record, PluginStatus::failed, std::string("cannot load: ") + e.what(),
               "check the libraries it needs with `ldd " + file.string() + "`");
        return std::nullopt;
    }
    auto entry = checked.library.get<const dspace_plugin_descriptor *()>(DSPACE_PLUGIN_ENTRY_SYMBOL);
    const dspace_plugin_descriptor *d = entry();
    if (d == nullptr) {
        reject(record, PluginStatus::failed, msg::null_descriptor(), msg::rebuild_hint);
        return std::nullopt;
    }
    if (d->magic != DSPACE_PLUGIN_MAGIC) {
        reject(record, PluginStatus::incompatible, msg::bad_magic(DSPACE_PLUGIN_MAGIC, d->magic), msg::rebuild_hint);
        return std::nullopt;
    }
    record.sdk = std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor);
    if (d->struct_size < min_descriptor_size) {
        reject(record, PluginStatus::incompatible, msg::bad_size(min_descriptor_size, d->struct_size), msg::rebuild_hint);
        return std::nullopt;
    }
    if (d->version) record.version = d->version;
    if (d->abi_major != DSPACE_SDK_ABI_MAJOR) {
        reject(record, PluginStatus::incompatible, msg::major_mismatch(DSPACE_SDK_ABI_MAJOR, d->abi_major), msg::rebuild_hint);
        return std::nullopt;
    }
    if (d->abi_minor > DSPACE_SDK_ABI_MINOR) {
        reject(record, PluginStatus::incompatible, msg::newer_minor(DSPACE_SDK_ABI_MAJOR, DSPACE_SDK_ABI_MINOR, d->abi_minor),
               msg::newer_minor_hint);
        return std::nullopt;
    }
    const std::string tag = d->abi_tag ? d->abi_tag : "(none)";
    if (tag != DSPACE_SDK_ABI_TAG) {
        reject(record, PluginStatus::incompatible, msg::wrong_tag(DSPACE_SDK_ABI_TAG, tag), msg::wrong_tag_hint(DSPACE_SDK_ABI_TAG, tag));
        return std::nullopt;
    }
    const std::string name = d->name ? d->name : "";
    if (name != record.name) {
        reject(record, PluginStatus::failed, msg::name_mismatch(record.name, name), msg::name_mismatch_hint);
        return std::nullopt;
    }
    if ((d->kinds & kind_bit(record.kind)) == 0) {
        reject(record, PluginStatus::failed, msg::kind_mismatch(record.kind, d->kinds), msg::name_mismatch_hint);
        return std::nullopt;
    }
    if (d->register_fn == nullptr) {
        reject(record, PluginStatus::failed, msg::no_register_fn(), msg::rebuild_hint);
        return std::nullopt;
    }
    checked.descriptor = d;
    return checked;
}

} // namespace dspace::plugin_loader
