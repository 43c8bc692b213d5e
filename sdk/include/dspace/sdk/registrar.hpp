// dspace plugin SDK: the Registrar, through which a plugin hands its objects to the host.
#pragma once

#include "export.hpp"
#include "flavour.hpp"
#include "migrator.hpp"
#include "snapshotter.hpp"

#include <memory>

namespace dspace::sdk {

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
};

} // namespace dspace::sdk
