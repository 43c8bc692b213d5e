// Waiting for background pushes (`dspace push --background`, `dspace snapshot NAME SNAP --push`) in tests, and
// what a remote lists.
#pragma once

#include "support.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace dspace_test {

//! The id and state of every background push `dspace push --status --json` lists, keyed by id.
inline std::map<std::string, std::pair<std::string, std::string>> push_records(const TestHome &home) {
    rapidjson::Document doc;
    doc.Parse(home.ok({"push", "--status", "--json"}).c_str());
    REQUIRE(doc.IsArray());
    std::map<std::string, std::pair<std::string, std::string>> records; // id → (space/snapshot, state)
    for (const auto &r : doc.GetArray())
        records[r["id"].GetString()] = {std::string(r["space"].GetString()) + "/" + r["snapshot"].GetString(), r["state"].GetString()};
    return records;
}

//! "space/snapshot" → state of every background push `dspace push --status --json` lists (of pushes of one
//! snapshot to several remotes, the one listed last: the latest).
inline std::map<std::string, std::string> push_states(const TestHome &home) {
    rapidjson::Document doc;
    doc.Parse(home.ok({"push", "--status", "--json"}).c_str());
    REQUIRE(doc.IsArray());
    std::map<std::string, std::string> states;
    for (const auto &r : doc.GetArray())
        states[std::string(r["space"].GetString()) + "/" + r["snapshot"].GetString()] = r["state"].GetString();
    return states;
}

//! Polls until no background push is queued or running (FAILs after deadline); returns their final states.
inline std::map<std::string, std::string> wait_for_pushes(const TestHome &home, std::chrono::seconds deadline = std::chrono::seconds(180)) {
    auto until = std::chrono::steady_clock::now() + deadline;
    for (;;) {
        bool busy = false; // over every record: pushes of one snapshot to two remotes are two
        for (const auto &[id, record] : push_records(home)) busy = busy || record.second == "queued" || record.second == "running";
        if (!busy) return push_states(home);
        if (std::chrono::steady_clock::now() > until) FAIL("background pushes still unfinished after " << deadline.count() << " s");
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

//! `dspace snapshot ls --remote remote --json`: "space/name" of each snapshot listed.
inline std::vector<std::string> remote_snapshots(const TestHome &home, const std::string &remote) {
    rapidjson::Document doc;
    doc.Parse(home.ok({"snapshot", "ls", "--remote", remote, "--json"}).c_str());
    REQUIRE(doc.IsArray());
    std::vector<std::string> out;
    for (const auto &s : doc.GetArray()) out.push_back(std::string(s["space"].GetString()) + "/" + s["name"].GetString());
    return out;
}

} // namespace dspace_test
