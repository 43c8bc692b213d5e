// The host side of the plugin boundary: every object a plugin registers (and every capability it
// provides) is wrapped in a Guarded* decorator that forwards each call inside try/catch. An exception
// escaping a plugin method never reaches the core as such: it becomes a failure that names the plugin.
#pragma once

#include <dspace/core/error.hpp>
#include <dspace/sdk/capability.hpp>
#include <dspace/sdk/flavour.hpp>
#include <dspace/sdk/migrator.hpp>
#include <dspace/sdk/snapshotter.hpp>

#include <exception>
#include <memory>
#include <string>
#include <type_traits>

namespace dspace::plugin_guard {

//! Which plugin an object came from, for attributing its failures.
struct PluginIdentity {
    std::string kind;    //!< flavour | migrator | snapshotter (the plugin file's kind)
    std::string name;    //!< the plugin's name
    std::string file;    //!< the plugin file's path
    std::string version; //!< the plugin's version (logged, not shown)
};

//! "plugin <kind>/<name> (<file>) failed in <method>: <what>" for the exception being handled; also logs
//! it as an error with the plugin's version.
std::string report_escaped_exception(const PluginIdentity &plugin, const char *method, const std::exception_ptr &escaped);

//! The hint shown with every escaped exception.
std::string escaped_exception_hint(const PluginIdentity &plugin);

template <typename T>
struct is_result : std::false_type {};
template <typename T>
struct is_result<sdk::Result<T>> : std::true_type {};

//! Calls call(); an exception it throws becomes a failure Status (or Result) naming plugin and method, or,
//! for methods that return neither, an Error with that text.
template <typename Call>
auto guarded_call(const PluginIdentity &plugin, const char *method, Call &&call) -> decltype(call()) {
    using Returned = decltype(call());
    try {
        return call();
    } catch (...) {
        std::string text = report_escaped_exception(plugin, method, std::current_exception());
        if constexpr (std::is_same_v<Returned, sdk::Status>) return sdk::Status::failure(text, escaped_exception_hint(plugin));
        else if constexpr (is_result<Returned>::value) return Returned(sdk::Status::failure(text, escaped_exception_hint(plugin)));
        else throw Error(text, escaped_exception_hint(plugin));
    }
}

//! Wraps a registered flavour.
std::unique_ptr<sdk::Flavour> guard_flavour(std::unique_ptr<sdk::Flavour> flavour, const PluginIdentity &plugin);
//! Wraps a registered migrator.
std::unique_ptr<sdk::Migrator> guard_migrator(std::unique_ptr<sdk::Migrator> migrator, const PluginIdentity &plugin);
//! Wraps a registered snapshotter.
std::unique_ptr<sdk::Snapshotter> guard_snapshotter(std::unique_ptr<sdk::Snapshotter> snapshotter, const PluginIdentity &plugin);

//! A guarded capability: owns the decorator; iface is the pointer capability<Cap>() hands out.
struct GuardedCapability {
    std::shared_ptr<void> holder; //!< keeps the decorator alive
    void *iface = nullptr;        //!< the decorator, as the capability interface id names
};

//! Wraps capability id implemented by iface (a pointer to the interface that id names); nullptr iface for an unknown id.
GuardedCapability guard_capability(sdk::CapabilityId id, void *iface, const PluginIdentity &plugin);

} // namespace dspace::plugin_guard
