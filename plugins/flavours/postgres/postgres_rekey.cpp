#include "postgres_rekey.hpp"

#include "postgres_sql.hpp"

namespace dspace::postgres {

sdk::Status PostgresRekey::rekey(sdk::Host &host, const sdk::Server &target, const sdk::Server &source) {
    if (!source.user.empty() && source.user != target.user && source.user != superuser) {
        // ALTER ROLE … RENAME keeps everything the role owns; create_credentials then sets the new password.
        std::string sql = "DO $$BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = " + literal(source.user) +
                          ") AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = " + literal(target.user) +
                          ") THEN ALTER ROLE " + identifier(source.user) + " RENAME TO " + identifier(target.user) +
                          "; END IF; END$$;";
        sdk::Command psql = admin_psql(target);
        psql.argv.insert(psql.argv.end(), {"-c", sql});
        auto ran = host.processes().run(psql);
        if (!ran) return ran.status();
        if (!ran->succeeded())
            return sdk::Status::failure("cannot rename the user '" + source.user + "' of the restored data to '" + target.user +
                                        "': " + ran->err);
    }
    return flavour_.create_credentials(host, target);
}

} // namespace dspace::postgres
