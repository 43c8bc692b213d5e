#include "subset.hpp"

#include <dspace/core/error.hpp>

#include <map>

namespace dspace::import {

std::set<TableName> resolve_tables(const std::vector<std::string> &requested, const std::vector<TableName> &available,
                                   const std::string &preferred_schema) {
    std::set<TableName> found;
    std::vector<std::string> missing;
    for (const auto &want : requested) {
        std::vector<TableName> matches;
        for (const auto &table : available)
            if (table.qualified() == want || table.name == want) matches.push_back(table);
        if (matches.size() > 1) {
            std::vector<TableName> preferred;
            for (const auto &table : matches)
                if (table.qualified() == want || table.schema == preferred_schema) preferred.push_back(table);
            if (preferred.size() == 1) matches = preferred;
        }
        if (matches.size() == 1) found.insert(matches.front());
        else missing.push_back(matches.empty() ? "'" + want + "'" : "'" + want + "' (ambiguous: name its schema)");
    }
    if (!missing.empty()) {
        std::string list, there;
        for (const auto &name : missing) list += (list.empty() ? "" : ", ") + name;
        for (size_t i = 0; i < available.size() && i < 20; ++i) there += (there.empty() ? "" : ", ") + available[i].qualified();
        if (available.size() > 20) there += ", …";
        throw Error(std::string(missing.size() == 1 ? "table " : "tables ") + list + " given to --tables " +
                        (missing.size() == 1 ? "is" : "are") + " not in the source",
                    there.empty() ? "the source has no tables" : "the source has: " + there);
    }
    return found;
}

std::set<TableName> foreign_key_closure(const std::set<TableName> &tables, const std::vector<ForeignKey> &keys) {
    std::multimap<TableName, TableName> parents;
    for (const auto &key : keys) parents.emplace(key.child, key.parent);
    std::set<TableName> closure = tables;
    std::vector<TableName> todo(tables.begin(), tables.end());
    while (!todo.empty()) {
        TableName table = todo.back();
        todo.pop_back();
        auto [begin, end] = parents.equal_range(table);
        for (auto it = begin; it != end; ++it)
            if (closure.insert(it->second).second) todo.push_back(it->second);
    }
    return closure;
}

int keep_parents_until_stable(const std::set<TableName> &subset, const std::vector<ForeignKey> &keys,
                              const std::function<std::uint64_t(const ForeignKey &)> &keep_parents) {
    int passes = 0;
    for (bool changed = true; changed;) {
        changed = false;
        ++passes;
        for (const auto &key : keys)
            if (subset.count(key.child) && subset.count(key.parent) && keep_parents(key) > 0) changed = true;
    }
    return passes;
}

} // namespace dspace::import
