// Remembered `TOOL --version` answers, so `dspace setup` does not start every tool (a JVM takes seconds) each time.
#pragma once

#include <dspace/core/forwarding_host.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace dspace {

//! An sdk::Host for tool probes: everything from host, except that `PROGRAM [OPTION] --version` runs are
//! answered from a cache file while the program's file (resolved through symlinks) keeps its size and mtime.
class ProbeCachingHost final : public ForwardingHost, private sdk::ProcessRunner {
public:
    //! cache_file holds the answers (JSON, 0600); it is read now and written by save().
    ProbeCachingHost(sdk::Host &host, std::filesystem::path cache_file);
    ~ProbeCachingHost() override;
    //! Writes the answers back when any was added; a failure only costs the next run time.
    void save();

    sdk::ProcessRunner &processes() override { return *this; }

private:
    sdk::Result<sdk::ProcessResult> run(const sdk::Command &command) override;
    std::string find_program(std::string_view name, const std::vector<std::string> &extra_dirs) override {
        return host_.processes().find_program(name, extra_dirs);
    }
    //! The cache key of a version probe, or empty when command is not one (or its program cannot be read).
    std::string key_of(const sdk::Command &command);

    std::filesystem::path cache_file_;
    std::mutex mutex_;
    std::map<std::string, sdk::ProcessResult> answers_;
    bool changed_ = false;
};

} // namespace dspace
