#include "mysql_rekey.hpp"

#include "mysql_admin.hpp"
#include "mysql_text.hpp"

namespace dspace::mysql {

sdk::Status MysqlRekey::rekey(sdk::Host &host, const sdk::Server &target, const sdk::Server &source) {
    if (auto created = flavour_.create_credentials(host, target); !created) return created;
    if (source.user.empty() || source.user == target.user || source.user == "root") return {};
    auto hosts = query(host, target, "SELECT Host FROM mysql.global_priv WHERE User = " + quote_string(source.user));
    if (!hosts) return hosts.status();
    std::string sql;
    for (const auto &host_name : *hosts) sql += "ALTER USER " + quote_account(source.user, host_name) + " ACCOUNT LOCK;";
    if (sql.empty()) return {};
    auto locked = query(host, target, sql);
    if (!locked) return locked.status();
    return {};
}

} // namespace dspace::mysql
