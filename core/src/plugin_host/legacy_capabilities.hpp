// Capabilities the host provides for plugins built for SDK 1.0, from the methods their interfaces
// had then, so that 1.0 plugins keep every ability they had.
#pragma once

#include <dspace/sdk/flavour.hpp>
#include <dspace/sdk/flavour_capabilities.hpp>

namespace dspace::plugin_loader {

//! LogicalDump for an SDK 1.0 flavour: forwards to the flavour's own list_databases, dump_command, restore_command.
class LegacyLogicalDump final : public sdk::LogicalDump {
public:
    //! flavour must outlive this object.
    explicit LegacyLogicalDump(sdk::Flavour &flavour) : flavour_(flavour) {}
    sdk::Result<std::vector<std::string>> list_databases(sdk::Host &host, const sdk::Server &server) override {
        return flavour_.list_databases(host, server);
    }
    sdk::Command dump_command(const sdk::Server &server, std::string_view database, std::string_view out_file) const override {
        return flavour_.dump_command(server, database, out_file);
    }
    sdk::Command restore_command(const sdk::Server &server, std::string_view database, std::string_view in_file) const override {
        return flavour_.restore_command(server, database, in_file);
    }

private:
    sdk::Flavour &flavour_;
};

} // namespace dspace::plugin_loader
