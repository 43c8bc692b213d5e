// The plugin host's rejection texts, in one place (pgBackRest keeps error text in constants).
// Each names what was expected, what was found, and how to fix it.
#pragma once

#include <cstdio>
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
inline std::string name_mismatch(const std::string &file_name, const std::string &descriptor_name) {
    return "file name says '" + file_name + "' but the plugin calls itself '" + descriptor_name + "'";
}
inline std::string kind_mismatch(const std::string &file_kind, unsigned kinds) {
    return "file name says it is a " + file_kind + " but the plugin declares kinds bitmask " + std::to_string(kinds);
}
inline const std::string name_mismatch_hint = "rename the file to dspace_<kind>_<name> with the plugin's own name";
inline std::string register_failed(const std::string &message) { return "registration failed: " + message; }
inline const std::string register_failed_hint = "this is a bug in the plugin; report it to its author or remove the file";
inline std::string duplicate(const std::string &kind, const std::string &name, const std::string &first) {
    return "it registers " + kind + " '" + name + "', which " + first + " already registered";
}
inline const std::string duplicate_hint = "remove one of the two plugins, or rename one";
inline std::string shadowed(const std::string &first) { return "shadowed by " + first + " (the first one found wins)"; }
inline const std::string shadowed_hint = "remove the copy you do not want; `dspace plugins` lists the search path";

} // namespace dspace::plugin_messages
