// The mysql plugin's entry point: registers the mysql flavour.
#include "mysql.hpp"

#include <dspace/sdk/plugin.hpp>

#include <memory>

namespace {

void register_mysql(dspace::sdk::Registrar &registrar) {
    registrar.add_flavour(std::make_unique<dspace::mysql::MysqlFlavour>());
}

} // namespace

DSPACE_PLUGIN(mysql, "0.1.0", DSPACE_KIND_FLAVOUR, register_mysql)
