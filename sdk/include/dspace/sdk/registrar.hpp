// dspace plugin SDK: the Registrar, through which a plugin hands its objects to the host.
#pragma once

#include "capability.hpp"
#include "export.hpp"
#include "flavour.hpp"
#include "migrator.hpp"
#include "snapshotter.hpp"

#include <cstdint>
#include <memory>
#include <string_view>

namespace dspace::sdk {

//! The type of a configuration key a plugin declares.
enum class ConfigKeyType : std::uint8_t { text = 0, integer = 1, boolean = 2, text_list = 3 };

//! Implemented by the host; a plugin's register function adds its objects here.
//! The host keeps them, and the plugin's library, until the process exits.
class DSPACE_SDK_VISIBLE Registrar {
public:
    virtual ~Registrar() = default;
    //! Adds a database flavour.
    virtual void add_flavour(std::unique_ptr<Flavour> flavour) = 0;
    //! Adds a migration tool driver.
    virtual void add_migrator(std::unique_ptr<Migrator> migrator) = 0;
    //! Adds a snapshot backend.
    virtual void add_snapshotter(std::unique_ptr<Snapshotter> snapshotter) = 0;

    // Since SDK 1.1. The host implements this class, so it grows by appending virtual functions here.

    //! Adds capability `id`, implemented by iface, to this plugin's object called owner (added before).
    //! Use provide() instead: it passes the right id and pointer. iface must live as long as the owner.
    virtual void add_capability(std::string_view owner, CapabilityId id, void *iface) = 0;
    //! Declares a configuration key the plugin reads (e.g. "flavours.redis.maxmemory"), so that
    //! `dspace config set` accepts it, checks its type, and lists its description.
    virtual void add_config_key(std::string_view key, ConfigKeyType type, std::string_view description) = 0;

    //! Registers impl as the Capability (a class from *_capabilities.hpp) of this plugin's object owner.
    template <typename Capability>
    void provide(std::string_view owner, Capability &impl) {
        add_capability(owner, Capability::id, static_cast<void *>(&impl));
    }
};

} // namespace dspace::sdk
