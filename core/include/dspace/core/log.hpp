// dspace's logging: spdlog behind the SDK's Logger interface.
#pragma once

#include <dspace/sdk/host.hpp>

#include <filesystem>

namespace dspace {

//! How chatty stderr is: -q gives quiet, -v verbose.
enum class Verbosity { quiet, normal, verbose };

//! Sets up logging: warnings and errors to stderr (everything when verbose, only errors when quiet),
//! and, when log_dir is not empty, a rotating file log_dir/dspace.log at debug level.
void init_logging(Verbosity verbosity, const std::filesystem::path &log_dir);

//! The sdk::Logger handed to plugins; forwards to spdlog.
class SpdLogger final : public sdk::Logger {
public:
    void log(sdk::LogLevel level, std::string_view message) override;
};

} // namespace dspace
