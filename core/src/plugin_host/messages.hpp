// The plugin host's rejection texts, in one place (pgBackRest keeps error text in constants).
// Each names what was expected, what was found, and how to fix it.
#pragma once

#include <dspace/sdk/abi.h>

#include <cstdio>
#include <utility>
#include <string>

namespace dspace::plugin_messages {

//! Hint for any plugin built against another SDK or toolchain.
inline const std::string rebuild_hint =
    "rebuild the plugin against the installed dspace SDK (find_package(dspace_sdk)) with the same compiler, or remove the file";

inline std::string not_shared_object(const std::string &found) { return "not a shared object (" + found + ")"; }
inline const std::string not_shared_object_hint = "remove the file from the plugin directory";
inline std::string other_platform(const std::string &found) { return "built for another platform (" + found + ")"; }
inline std::string no_entry_point() { return "not a dspace plugin: it does not export dspace_plugin_entry()"; }
inline std::string null_descriptor() { return "dspace_plugin_entry() returned no descriptor"; }
inline std::string no_register_fn() { return "the descriptor has no register function (register_fn is null)"; }
inline std::string bad_magic(unsigned expected, unsigned found) {
    char text[128];
    std::snprintf(text, sizeof text, "bad magic number: expected 0x%08x (\"DSP1\"), found 0x%08x", expected, found);
    return text;
}
inline std::string bad_size(unsigned expected, unsigned found) {
    return "descriptor is " + std::to_string(found) + " bytes, expected at least " + std::to_string(expected);
}
inline std::string major_mismatch(unsigned host, unsigned plugin) {
    return "SDK major version mismatch: dspace has SDK " + std::to_string(host) + ".x, the plugin was built with " +
           std::to_string(plugin) + ".x";
}
inline std::string newer_minor(unsigned host_major, unsigned host_minor, unsigned plugin_minor) {
    return "plugin needs SDK " + std::to_string(host_major) + "." + std::to_string(plugin_minor) + ", newer than this dspace's " +
           std::to_string(host_major) + "." + std::to_string(host_minor);
}
inline const std::string newer_minor_hint = "upgrade dspace, or use a build of the plugin made for this SDK version";
inline std::string wrong_tag(const std::string &host, const std::string &plugin) {
    return "ABI tag mismatch: dspace is " + host + ", the plugin is " + plugin;
}
//! The hint for an ABI-tag mismatch: names the macro when only libstdc++'s string ABI differs.
inline std::string wrong_tag_hint(const std::string &host, const std::string &plugin) {
    auto stdlib_abi = [](const std::string &tag) {
        if (tag.size() >= 6 && tag.compare(tag.size() - 6, 6, "-cxx11") == 0) return 1;
        if (tag.size() >= 4 && tag.compare(tag.size() - 4, 4, "-cow") == 0) return 0;
        return -1;
    };
    int plugin_abi = stdlib_abi(plugin);
    if (plugin_abi >= 0 && stdlib_abi(host) >= 0 && plugin_abi != stdlib_abi(host) &&
        host.substr(0, host.rfind('-')) == plugin.substr(0, plugin.rfind('-')))
        return "the plugin was compiled with -D_GLIBCXX_USE_CXX11_ABI=" + std::to_string(plugin_abi) + " and dspace with " +
               "_GLIBCXX_USE_CXX11_ABI=" + std::to_string(1 - plugin_abi) +
               ": rebuild the plugin without that define (or with -D_GLIBCXX_USE_CXX11_ABI=" + std::to_string(1 - plugin_abi) + ")";
    return rebuild_hint;
}
inline std::string name_mismatch(const std::string &file_name, const std::string &descriptor_name) {
    return "file name says '" + file_name + "' but the plugin calls itself '" + descriptor_name + "'";
}
inline std::string kind_mismatch(const std::string &file_kind, unsigned kinds) {
    return "file name says it is a " + file_kind + " but the plugin declares kinds bitmask " + std::to_string(kinds);
}
inline const std::string name_mismatch_hint = "rename the file to dspace_<kind>_<name> with the plugin's own name";
//! The DSPACE_KIND_* bits as names: "flavour, migrator", or "nothing".
inline std::string kind_names(unsigned kinds) {
    std::string out;
    const std::pair<unsigned, const char *> all[] = {{DSPACE_KIND_FLAVOUR, "flavour"}, {DSPACE_KIND_MIGRATOR, "migrator"},
                                                     {DSPACE_KIND_SNAPSHOTTER, "snapshotter"}};
    for (const auto &[bit, name] : all)
        if (kinds & bit) out += (out.empty() ? "" : ", ") + std::string(name);
    return out.empty() ? "nothing" : out;
}
inline std::string kinds_differ(unsigned declared, unsigned registered) {
    return "its descriptor declares kinds " + kind_names(declared) + " but its register function registered a " +
           kind_names(registered & ~declared);
}
inline const std::string kinds_differ_hint =
    "make the KINDS of DSPACE_PLUGIN(...) name every kind the register function adds, or remove the file";
inline std::string register_failed(const std::string &message) { return "registration failed: " + message; }
inline const std::string register_failed_hint = "this is a bug in the plugin; report it to its author or remove the file";
inline std::string duplicate(const std::string &kind, const std::string &name, const std::string &first) {
    return "it registers " + kind + " '" + name + "', which " + first + " already registered";
}
inline const std::string duplicate_hint = "remove one of the two plugins, or rename one";
inline std::string shadowed(const std::string &first) { return "shadowed by " + first + " (the first one found wins)"; }
inline const std::string shadowed_hint = "remove the copy you do not want; `dspace plugins` lists the search path";

} // namespace dspace::plugin_messages
