// The mysql plugin's entry point: registers the mysql flavour, its capabilities and its configuration key.
#include "mysql.hpp"
#include "mysql_rekey.hpp"

#include <dspace/sdk/plugin.hpp>

#include <memory>

namespace {

namespace sdk = dspace::sdk;

void register_mysql(sdk::Registrar &registrar) {
    auto flavour = std::make_unique<dspace::mysql::MysqlFlavour>();
    dspace::mysql::MysqlFlavour &same = *flavour;
    registrar.add_flavour(std::move(flavour));
    registrar.provide<sdk::LogicalDump>("mysql", same);
    registrar.provide<sdk::StopCommand>("mysql", same);
    registrar.provide<sdk::DisplayUrl>("mysql", same);
    registrar.provide<sdk::PageLayout>("mysql", same);
    registrar.add_config_key("flavours.mysql.server_user", sdk::ConfigKeyType::text,
                             "the OS user MariaDB servers run as when dspace runs as root (default: mysql)");
    static dspace::mysql::MysqlRekey rekey;
    registrar.provide<sdk::Rekey>("mysql", rekey);
}

} // namespace

DSPACE_PLUGIN(mysql, "0.2.0", DSPACE_KIND_FLAVOUR, register_mysql)
