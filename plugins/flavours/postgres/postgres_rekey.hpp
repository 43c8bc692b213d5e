// The PostgreSQL flavour's Rekey capability: restored data gets the target space's role and password.
#pragma once

#include "postgres.hpp"

namespace dspace::postgres {

//! Renames the data's role to the target's when they differ, then sets its password (create_credentials).
class PostgresRekey final : public sdk::Rekey {
public:
    sdk::Status rekey(sdk::Host &host, const sdk::Server &target, const sdk::Server &source) override;

private:
    PostgresFlavour flavour_;
};

} // namespace dspace::postgres
