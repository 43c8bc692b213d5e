// The mysql flavour's Rekey capability: restored data gets the target space's user and password.
#pragma once

#include "mysql.hpp"

#include <dspace/sdk/flavour_capabilities.hpp>

namespace dspace::mysql {

//! Creates the target's accounts (create_credentials) and locks the data's previous user, whose password
//! belongs to another space; locked, not dropped, so views and routines it defined keep working.
class MysqlRekey final : public sdk::Rekey {
public:
    sdk::Status rekey(sdk::Host &host, const sdk::Server &target, const sdk::Server &source) override;

private:
    MysqlFlavour flavour_;
};

} // namespace dspace::mysql
