// dspace plugin SDK: the umbrella header every plugin includes.
//
// A complete minimal plugin (a migrator that runs `dbmate up`):
//
// @code
//   #include <dspace/sdk/plugin.hpp>
//
//   namespace sdk = dspace::sdk;
//
//   class Dbmate final : public sdk::Migrator {
//   public:
//       std::string name() const override { return "dbmate"; }
//       std::string description() const override { return "dbmate migrations"; }
//       std::vector<sdk::ToolProbe> probe(sdk::Host &host) override {
//           return {sdk::probe_tool(host, "dbmate", "see https://github.com/amacneil/dbmate")};
//       }
//       sdk::Status migrate(sdk::Host &host, const sdk::MigrationRequest &req) override {
//           sdk::Command cmd;
//           cmd.argv = {"dbmate", "--migrations-dir", req.folder, "up"};
//           cmd.env = req.connection;   // DATABASE_URL and friends
//           cmd.stream_output = true;
//           auto ran = host.processes().run(cmd);
//           if (!ran) return ran.status();
//           if (!ran->succeeded()) return sdk::Status::failure("dbmate up failed", "see its output above");
//           return {};
//       }
//       sdk::Result<std::string> current_head(sdk::Host &, const sdk::MigrationRequest &) override {
//           return std::string{};
//       }
//   };
//
//   static void register_dbmate(sdk::Registrar &registrar) {
//       registrar.add_migrator(std::make_unique<Dbmate>());
//   }
//
//   DSPACE_PLUGIN(dbmate, "0.1.0", DSPACE_KIND_MIGRATOR, register_dbmate)
// @endcode
//
// Build it with the installed SDK's CMake package:
//
// @code
//   find_package(dspace_sdk CONFIG REQUIRED)
//   dspace_add_plugin(dbmate KIND migrator NAME dbmate SOURCES dbmate.cpp)
// @endcode
//
// The file is named dspace_migrator_dbmate.so (NAME and KIND are given once, in CMake;
// DSPACE_PLUGIN checks at compile time that it says the same); put it in a plugin directory
// (`dspace plugins` lists the search path) and `dspace plugins` shows it loaded.
// Optional abilities are capabilities (capability.hpp), registered beside the object:
// `registrar.provide<sdk::MigrationPlan>("dbmate", same_object);`.
// Rules: do no work in static initialisers, never let an exception escape a method
// (return a Status: the host catches one that escapes, but reports it as a bug of the
// plugin), and never pass library types (Boost, JSON, …) to the host.
#pragma once

#include "abi.h"
#include "abi_tag.hpp"
#include "capability.hpp"
#include "export.hpp"
#include "flavour.hpp"
#include "flavour_capabilities.hpp"
#include "host.hpp"
#include "migrator.hpp"
#include "migrator_capabilities.hpp"
#include "probe.hpp"
#include "registrar.hpp"
#include "server.hpp"
#include "snapshotter.hpp"
#include "snapshotter_capabilities.hpp"
#include "status.hpp"
#include "text.hpp"
#include "version.hpp"

#include <cstring>
#include <exception>
#include <memory>

namespace dspace::sdk::detail {

//! Copies message into the C error buffer, truncating and NUL-terminating.
inline void copy_error(const char *message, char *err, size_t err_len) noexcept {
    if (err == nullptr || err_len == 0) return;
    std::strncpy(err, message, err_len - 1);
    err[err_len - 1] = '\0';
}

//! Calls a plugin's register function; turns any exception into an error code and message.
template <void (*RegisterFn)(Registrar &)>
int register_trampoline(dspace_registrar *registrar, char *err, size_t err_len) noexcept {
    try {
        RegisterFn(*reinterpret_cast<Registrar *>(registrar));
        return 0;
    } catch (const std::exception &e) {
        copy_error(e.what(), err, err_len);
    } catch (...) {
        copy_error("unknown exception during registration", err, err_len);
    }
    return 1;
}

//! True when a and b hold the same text (usable in static_assert).
constexpr bool same_text(const char *a, const char *b) {
    while (*a != '\0' && *a == *b) ++a, ++b;
    return *a == *b;
}

} // namespace dspace::sdk::detail

// dspace_add_plugin(... KIND k NAME n ...) defines DSPACE_PLUGIN_BUILD_NAME ("n") and DSPACE_PLUGIN_BUILD_KIND
// (the kind's DSPACE_KIND_* bit), so that DSPACE_PLUGIN checks at compile time that the name and kind it
// declares are the ones the file will be named after. Plugins built without the CMake helper skip the check.
#if defined(DSPACE_PLUGIN_BUILD_NAME) && defined(DSPACE_PLUGIN_BUILD_KIND)
#define DSPACE_PLUGIN_CHECK_BUILD(NAME, KINDS)                                                                  \
    static_assert(::dspace::sdk::detail::same_text(#NAME, DSPACE_PLUGIN_BUILD_NAME),                          \
                  "DSPACE_PLUGIN(" #NAME ", ...) differs from the NAME given to dspace_add_plugin in CMake");  \
    static_assert(((KINDS) & (DSPACE_PLUGIN_BUILD_KIND)) != 0,                                                  \
                  "DSPACE_PLUGIN's KINDS do not include the KIND given to dspace_add_plugin in CMake");
#else
#define DSPACE_PLUGIN_CHECK_BUILD(NAME, KINDS)
#endif

//! Declares a plugin: NAME (an identifier, matching the file name), VERSION (a
//! string), KINDS (DSPACE_KIND_* bits) and REGISTER_FN (void(dspace::sdk::Registrar&)).
//! Expands to the descriptor, a noexcept trampoline and the exported entry point. Built with
//! dspace_add_plugin, NAME and KINDS must agree with its NAME and KIND (checked at compile time).
#define DSPACE_PLUGIN(NAME, VERSION, KINDS, REGISTER_FN)                                           \
    DSPACE_PLUGIN_CHECK_BUILD(NAME, KINDS)                                                         \
    extern "C" DSPACE_PLUGIN_EXPORT const dspace_plugin_descriptor *dspace_plugin_entry(void) {   \
        static const dspace_plugin_descriptor descriptor = {                                     \
            DSPACE_PLUGIN_MAGIC,                                                                   \
            static_cast<uint32_t>(sizeof(dspace_plugin_descriptor)),                              \
            DSPACE_SDK_ABI_MAJOR,                                                                  \
            DSPACE_SDK_ABI_MINOR,                                                                  \
            (KINDS),                                                                               \
            DSPACE_SDK_ABI_TAG,                                                                    \
            #NAME,                                                                                 \
            VERSION,                                                                               \
            &::dspace::sdk::detail::register_trampoline<REGISTER_FN>,                             \
            {nullptr, nullptr, nullptr, nullptr}};                                                 \
        return &descriptor;                                                                        \
    }
