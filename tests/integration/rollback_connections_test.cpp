// Rollback does not wait for the space's clients: open connections are terminated.
#include "snapshot_items.hpp"

#include <chrono>
#include <future>

using namespace snapshot_test;

TEST_CASE("rollback terminates open client connections instead of waiting for them", "[integration][snapshot]") {
    for (const auto &sql : installed_flavours()) {
        DYNAMIC_SECTION(sql.flavour) {
            TestHome home;
            std::string before = create_with_items(home, sql, "s");
            std::string changed = snapshot_then_change(home, sql, "s", "snap");
            REQUIRE(changed != before);
            // A client in the middle of a long query, holding a transaction open.
            const char *sleep = sql.flavour == "mysql" ? "begin; select * from items for update; select sleep(60)"
                                                       : "begin; select * from items for update; select pg_sleep(60)";
            auto client = std::async(std::launch::async, [&] { return home.run({"shell", "s", "--", sql.query_flags[0], sql.query_flags[1], sleep}); });
            REQUIRE(client.wait_for(std::chrono::milliseconds(1500)) == std::future_status::timeout);

            auto started = std::chrono::steady_clock::now();
            auto rolled = home.run({"rollback", "s", "--to", "snap"});
            INFO(rolled.err);
            REQUIRE(rolled.exit_code == 0);
            CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
            REQUIRE(client.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
            CHECK(client.get().exit_code != 0); // its connection was cut
            CHECK(items_state(home, sql, "s") == before);
        }
    }
}
