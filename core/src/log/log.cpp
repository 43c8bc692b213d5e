#include <dspace/core/fs.hpp>
#include <dspace/core/log.hpp>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>

namespace dspace {

void init_logging(Verbosity verbosity, const std::filesystem::path &log_dir) {
    std::vector<spdlog::sink_ptr> sinks;
    auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    console->set_pattern("%^%l%$: %v");
    console->set_level(verbosity == Verbosity::verbose ? spdlog::level::debug
                       : verbosity == Verbosity::quiet ? spdlog::level::err
                                                       : spdlog::level::warn);
    sinks.push_back(console);
    if (!log_dir.empty()) {
        try {
            fs::make_home_dir(log_dir);
            auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>((log_dir / "dspace.log").string(), 5 * 1024 * 1024, 3);
            file->set_pattern("%Y-%m-%dT%H:%M:%S.%e %P %l %v");
            file->set_level(spdlog::level::debug);
            ::chmod((log_dir / "dspace.log").c_str(), 0600);
            sinks.push_back(file);
        } catch (const std::exception &) {
            // No file log when the directory is not writable; stderr still works.
        }
    }
    auto logger = std::make_shared<spdlog::logger>("dspace", sinks.begin(), sinks.end());
    logger->set_level(spdlog::level::debug);
    logger->flush_on(spdlog::level::debug);
    spdlog::set_default_logger(logger);
}

void SpdLogger::log(sdk::LogLevel level, std::string_view message) {
    switch (level) {
    case sdk::LogLevel::debug: spdlog::debug("{}", message); break;
    case sdk::LogLevel::info: spdlog::info("{}", message); break;
    case sdk::LogLevel::warn: spdlog::warn("{}", message); break;
    case sdk::LogLevel::error: spdlog::error("{}", message); break;
    }
}

} // namespace dspace
