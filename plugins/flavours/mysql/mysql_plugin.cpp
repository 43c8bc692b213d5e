// The mysql plugin's entry point: registers the mysql flavour.
#include "mysql.hpp"
#include "mysql_rekey.hpp"

#include <dspace/sdk/plugin.hpp>

#include <memory>

namespace {

void register_mysql(dspace::sdk::Registrar &registrar) {
    registrar.add_flavour(std::make_unique<dspace::mysql::MysqlFlavour>());
    static dspace::mysql::MysqlRekey rekey;
    registrar.provide<dspace::sdk::Rekey>("mysql", rekey);
}

} // namespace

DSPACE_PLUGIN(mysql, "0.1.0", DSPACE_KIND_FLAVOUR, register_mysql)
