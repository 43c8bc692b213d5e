// dspace plugin SDK: capabilities, the way the SDK grows within a major version.
//
// The interfaces a plugin implements (Flavour, Migrator, Snapshotter) are frozen for all of
// SDK 1.x: their virtual functions never change, so a plugin built for 1.0 keeps working in
// every 1.y host. A new ability is a new interface, a *capability*, that a plugin registers
// beside its object with Registrar::provide(), and that the host looks up by id (never by
// dynamic_cast across the boundary). A capability a plugin does not provide gets the host's
// documented fallback, so every capability is optional.
//
// @code
//   class Redis final : public sdk::Flavour, public sdk::StopCommand { ... };
//
//   static void register_redis(sdk::Registrar &registrar) {
//       auto redis = std::make_unique<Redis>();
//       Redis &same = *redis;
//       registrar.add_flavour(std::move(redis));
//       registrar.provide<sdk::StopCommand>("redis", same); // same object, second interface
//   }
// @endcode
#pragma once

#include <cstdint>

namespace dspace::sdk {

//! The id of each capability interface. Ids are never reused or renumbered.
enum class CapabilityId : std::uint32_t {
    logical_dump = 1,     //!< Flavour: LogicalDump (since 1.1)
    quiesce = 2,          //!< Flavour: Quiesce (since 1.1)
    stop_command = 3,     //!< Flavour: StopCommand (since 1.1)
    display_url = 4,      //!< Flavour: DisplayUrl (since 1.1)
    page_layout = 5,      //!< Flavour: PageLayout (since 1.1)
    rekey = 6,            //!< Flavour: Rekey (since 1.1)
    migration_plan = 7,   //!< Migrator: MigrationPlan (since 1.1)
    in_place_restore = 8, //!< Snapshotter: InPlaceRestore (since 1.1)
    shared_store = 9,     //!< Snapshotter: SharedStore (since 1.1)
    block_transfer = 10,  //!< Snapshotter: BlockTransfer (since 1.1)
    warm_spare = 11,      //!< Snapshotter: WarmSpare (since 1.1)
};

} // namespace dspace::sdk
