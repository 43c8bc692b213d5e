// The host services every plugin call receives (the implementation of sdk::Host).
#pragma once

#include <dspace/core/config.hpp>
#include <dspace/core/log.hpp>
#include <dspace/core/paths.hpp>
#include <dspace/core/process.hpp>
#include <dspace/core/progress.hpp>

namespace dspace {

//! Logger, process runner, progress, configuration and paths, bundled as an sdk::Host.
class HostServices final : public sdk::Host {
public:
    //! config must outlive this object.
    HostServices(Paths paths, Config &config);
    sdk::Logger &logger() override { return logger_; }
    sdk::ProcessRunner &processes() override { return runner_; }
    sdk::Progress &progress() override { return progress_; }
    const sdk::ConfigView &config() const override { return config_; }
    std::string home_dir() const override { return paths_.home().string(); }
    std::string cache_dir(std::string_view plugin) override;
    bool running_as_root() const override;
    sdk::Status write_private_file(std::string_view path, std::string_view content, unsigned mode,
                                   std::string_view os_user) override;

    //! The state layout.
    const Paths &paths() const { return paths_; }
    //! The configuration, writable (for `dspace config`).
    Config &mutable_config() { return config_; }

private:
    Paths paths_;
    Config &config_;
    SpdLogger logger_;
    ProcessRunnerImpl runner_{&logger_};
    TerminalProgress progress_;
};

} // namespace dspace
