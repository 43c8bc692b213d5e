// The plugin's entry point: registers the PostgreSQL flavour.
#include "postgres.hpp"
#include "postgres_rekey.hpp"

namespace {

void register_postgres(dspace::sdk::Registrar &registrar) {
    registrar.add_flavour(std::make_unique<dspace::postgres::PostgresFlavour>());
    static dspace::postgres::PostgresRekey rekey;
    registrar.provide<dspace::sdk::Rekey>("postgres", rekey);
}

} // namespace

DSPACE_PLUGIN(postgres, "0.1.0", DSPACE_KIND_FLAVOUR, register_postgres)
