// The mysql plugin's entry point: registers the mysql flavour.
#include "mysql.hpp"
#include "mysql_rekey.hpp"

#include <dspace/sdk/plugin.hpp>

#include <memory>

namespace {

void register_mysql(dspace::sdk::Registrar &registrar) {
    auto flavour = std::make_unique<dspace::mysql::MysqlFlavour>();
    dspace::sdk::LogicalDump &dumps = *flavour; // its list_databases, dump_command and restore_command serve both
    registrar.add_flavour(std::move(flavour));
    registrar.provide<dspace::sdk::LogicalDump>("mysql", dumps);
    static dspace::mysql::MysqlRekey rekey;
    registrar.provide<dspace::sdk::Rekey>("mysql", rekey);
}

} // namespace

DSPACE_PLUGIN(mysql, "0.1.0", DSPACE_KIND_FLAVOUR, register_mysql)
