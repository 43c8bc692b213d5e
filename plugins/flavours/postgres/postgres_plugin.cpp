// The plugin's entry point: registers the PostgreSQL flavour.
#include "postgres.hpp"

namespace {

void register_postgres(dspace::sdk::Registrar &registrar) {
    registrar.add_flavour(std::make_unique<dspace::postgres::PostgresFlavour>());
}

} // namespace

DSPACE_PLUGIN(postgres, "0.1.0", DSPACE_KIND_FLAVOUR, register_postgres)
