// The plugin's entry point: registers the PostgreSQL flavour.
#include "postgres.hpp"
#include "postgres_rekey.hpp"

namespace {

void register_postgres(dspace::sdk::Registrar &registrar) {
    auto flavour = std::make_unique<dspace::postgres::PostgresFlavour>();
    dspace::sdk::LogicalDump &dumps = *flavour; // its list_databases, dump_command and restore_command serve both
    registrar.add_flavour(std::move(flavour));
    registrar.provide<dspace::sdk::LogicalDump>("postgres", dumps);
    static dspace::postgres::PostgresRekey rekey;
    registrar.provide<dspace::sdk::Rekey>("postgres", rekey);
}

} // namespace

DSPACE_PLUGIN(postgres, "0.1.0", DSPACE_KIND_FLAVOUR, register_postgres)
