// Progress as the tests see it: every task reported, with its total and the units advanced, and a host that
// lends plugins this progress instead of the terminal's.
#pragma once

#include <dspace/core/forwarding_host.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dspace_test {

//! Records each task begun on it: its label, its total and the sum of the units advance() added.
class CountingProgress final : public dspace::sdk::Progress {
public:
    //! One task as reported.
    struct Task {
        std::string label;
        std::uint64_t total = 0, advanced = 0;
        bool ended = false;
    };
    void begin(std::string_view label, std::uint64_t total) override { tasks.push_back({std::string(label), total}); }
    void advance(std::uint64_t done) override { tasks.back().advanced += done; }
    void end() override { tasks.back().ended = true; }
    //! The task labelled label (the last one of that label); fails the test when there is none.
    const Task &task(std::string_view label) const {
        const Task *found = nullptr;
        for (const auto &task : tasks)
            if (task.label == label) found = &task;
        INFO("the progress task \"" << label << "\"");
        REQUIRE(found != nullptr);
        return *found;
    }
    std::vector<Task> tasks; //!< in the order they began
};

//! A host that forwards everything to another, except that plugins report progress to counted.
class ProgressRecordingHost final : public dspace::ForwardingHost {
public:
    using ForwardingHost::ForwardingHost;
    dspace::sdk::Progress &progress() override { return counted; }
    CountingProgress counted; //!< what was reported
};

} // namespace dspace_test
