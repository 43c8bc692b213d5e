#include "probe_cache.hpp"

#include <dspace/core/fs.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <sys/stat.h>

namespace dspace {

ProbeCachingHost::ProbeCachingHost(sdk::Host &host, std::filesystem::path cache_file)
    : ForwardingHost(host), cache_file_(std::move(cache_file)) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(cache_file_, ec)) return;
    rapidjson::Document doc;
    try {
        std::string text = fs::read_file(cache_file_);
        doc.Parse(text.c_str());
    } catch (const std::exception &) {
        return; // unreadable: probe again
    }
    if (doc.HasParseError() || !doc.IsObject()) return;
    for (const auto &member : doc.GetObject()) {
        const auto &v = member.value;
        if (!v.IsObject() || !v.HasMember("exit_code") || !v["exit_code"].IsInt() || !v.HasMember("out") || !v["out"].IsString() ||
            !v.HasMember("err") || !v["err"].IsString())
            continue;
        sdk::ProcessResult result;
        result.exit_code = v["exit_code"].GetInt();
        result.out = v["out"].GetString();
        result.err = v["err"].GetString();
        answers_[member.name.GetString()] = result;
    }
}

ProbeCachingHost::~ProbeCachingHost() = default;

std::string ProbeCachingHost::key_of(const sdk::Command &command) {
    if (command.argv.empty() || command.argv.size() > 3 || command.argv.back() != "--version" || !command.stdin_file.empty() ||
        !command.stdout_file.empty() || !command.run_as_user.empty() || command.stream_output)
        return {};
    std::string program = command.argv.front().find('/') == std::string::npos ? find_program(command.argv.front(), {}) : command.argv.front();
    std::error_code ec;
    auto real = std::filesystem::canonical(program, ec);
    struct stat st {};
    if (ec || ::stat(real.c_str(), &st) != 0) return {};
    std::string key = real.string() + "|" + std::to_string(st.st_size) + "|" + std::to_string(st.st_mtim.tv_sec) + "." +
                      std::to_string(st.st_mtim.tv_nsec);
    for (const auto &arg : command.argv) key += "|" + arg;
    for (const auto &[name, value] : command.env) key += "|" + name + "=" + value;
    return key;
}

sdk::Result<sdk::ProcessResult> ProbeCachingHost::run(const sdk::Command &command) {
    std::string key = key_of(command);
    if (!key.empty()) {
        std::lock_guard<std::mutex> held(mutex_);
        if (auto it = answers_.find(key); it != answers_.end()) return it->second;
    }
    auto ran = host_.processes().run(command);
    if (!key.empty() && ran && !ran->timed_out && ran->signal == 0) {
        std::lock_guard<std::mutex> held(mutex_);
        answers_[key] = *ran;
        changed_ = true;
    }
    return ran;
}

void ProbeCachingHost::save() {
    std::lock_guard<std::mutex> held(mutex_);
    if (!changed_) return;
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    for (const auto &[key, result] : answers_) {
        w.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
        w.StartObject();
        w.Key("exit_code");
        w.Int(result.exit_code);
        w.Key("out");
        w.String(result.out.c_str(), static_cast<rapidjson::SizeType>(result.out.size()));
        w.Key("err");
        w.String(result.err.c_str(), static_cast<rapidjson::SizeType>(result.err.size()));
        w.EndObject();
    }
    w.EndObject();
    try {
        fs::write_file_atomic(cache_file_, std::string(buffer.GetString(), buffer.GetSize()), 0600);
        changed_ = false;
    } catch (const std::exception &e) {
        host_.logger().log(sdk::LogLevel::debug, std::string("cannot save the tool version cache: ") + e.what());
    }
}

} // namespace dspace
