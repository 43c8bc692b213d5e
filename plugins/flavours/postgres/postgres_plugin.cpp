// The plugin's entry point: registers the PostgreSQL flavour, its capabilities and its configuration key.
#include "postgres.hpp"
#include "postgres_rekey.hpp"

namespace {

namespace sdk = dspace::sdk;

void register_postgres(sdk::Registrar &registrar) {
    auto flavour = std::make_unique<dspace::postgres::PostgresFlavour>();
    dspace::postgres::PostgresFlavour &same = *flavour;
    registrar.add_flavour(std::move(flavour));
    registrar.provide<sdk::LogicalDump>("postgres", same);
    registrar.provide<sdk::Quiesce>("postgres", same);
    registrar.provide<sdk::DisplayUrl>("postgres", same);
    registrar.provide<sdk::PageLayout>("postgres", same);
    registrar.add_config_key("flavours.postgres.server_user", sdk::ConfigKeyType::text,
                             "the OS user PostgreSQL servers run as when dspace runs as root (default: postgres)");
    static dspace::postgres::PostgresRekey rekey;
    registrar.provide<sdk::Rekey>("postgres", rekey);
}

} // namespace

DSPACE_PLUGIN(postgres, "0.2.0", DSPACE_KIND_FLAVOUR, register_postgres)
