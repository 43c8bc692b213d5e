// Table subsets: name resolution, foreign-key closure and the keep-parents fixed point.
#include "../../../core/src/import/subset.hpp"

#include <dspace/core/error.hpp>

#include <catch2/catch.hpp>

#include <map>

using namespace dspace::import;

namespace {

TableName t(const std::string &name) { return {"public", name}; }
ForeignKey fk(const std::string &child, const std::string &parent) { return {t(child), t(parent), "parent_id", "id"}; }

} // namespace

TEST_CASE("the closure follows foreign keys from child to parent, transitively", "[import]") {
    // order_items -> orders -> customers -> regions; products is unrelated; reviews references orders.
    std::vector<ForeignKey> keys{fk("order_items", "orders"), fk("orders", "customers"), fk("customers", "regions"),
                                 fk("reviews", "orders")};
    auto closure = foreign_key_closure({t("order_items")}, keys);
    CHECK(closure == std::set<TableName>{t("order_items"), t("orders"), t("customers"), t("regions")});
    CHECK(foreign_key_closure({t("products")}, keys) == std::set<TableName>{t("products")});
}

TEST_CASE("the closure terminates on cycles and self references", "[import]") {
    std::vector<ForeignKey> keys{fk("a", "b"), fk("b", "c"), fk("c", "a"), fk("employees", "employees"), fk("c", "d")};
    CHECK(foreign_key_closure({t("b")}, keys) == std::set<TableName>{t("a"), t("b"), t("c"), t("d")});
    CHECK(foreign_key_closure({t("employees")}, keys) == std::set<TableName>{t("employees")});
}

TEST_CASE("requested tables resolve by bare or qualified name; missing ones are all named", "[import]") {
    std::vector<TableName> available{t("orders"), {"audit", "orders"}, t("customers"), {"shop", "items"}};
    CHECK(resolve_tables({"customers"}, available, "public") == std::set<TableName>{t("customers")});
    CHECK(resolve_tables({"orders"}, available, "public") == std::set<TableName>{t("orders")});
    CHECK(resolve_tables({"audit.orders"}, available, "public") == std::set<TableName>{{"audit", "orders"}});
    CHECK(resolve_tables({"items"}, available, "public") == std::set<TableName>{{"shop", "items"}});
    CHECK_THROWS_WITH(resolve_tables({"customers", "invoices", "refunds"}, available, "public"),
                      Catch::Contains("'invoices', 'refunds'") && Catch::Contains("not in the source"));
    CHECK_THROWS_WITH(resolve_tables({"orders"}, available, "elsewhere"), Catch::Contains("ambiguous"));
}

TEST_CASE("keeping parents of kept rows reaches a fixed point, also around a cycle", "[import]") {
    // Rows as (table, id) with one reference each; a -> b -> a is a cycle between tables and rows.
    std::map<std::string, std::map<int, int>> refs{{"a", {{1, 10}, {2, 11}, {3, 0}}}, {"b", {{10, 2}, {11, 3}, {12, 1}}}};
    std::map<std::string, std::set<int>> kept{{"a", {1}}, {"b", {}}};
    std::vector<ForeignKey> keys{fk("a", "b"), fk("b", "a")};
    int passes = keep_parents_until_stable({t("a"), t("b")}, keys, [&](const ForeignKey &key) -> std::uint64_t {
        std::uint64_t added = 0;
        for (int row : std::set<int>(kept[key.child.name]))
            if (int parent = refs[key.child.name][row]; parent != 0 && kept[key.parent.name].insert(parent).second) ++added;
        return added;
    });
    CHECK(kept["a"] == std::set<int>{1, 2, 3});
    CHECK(kept["b"] == std::set<int>{10, 11});
    CHECK(passes <= 4);
}

TEST_CASE("keys to tables outside the subset are not followed", "[import]") {
    int calls = 0;
    keep_parents_until_stable({t("a")}, {fk("a", "b")}, [&](const ForeignKey &) -> std::uint64_t { return ++calls; });
    CHECK(calls == 0);
}
