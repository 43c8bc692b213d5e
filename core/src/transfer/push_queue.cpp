// Background pushes: their records, their detached workers, and what a worker does.
#include "json_record.hpp"
#include "remote_layout.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/names.hpp>
#include <dspace/core/process.hpp>
#include <dspace/core/push_queue.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <unistd.h>

namespace dspace {

namespace {

constexpr std::int64_t forget_done_after_seconds = 24 * 3600;
constexpr std::int64_t progress_write_interval_seconds = 1;

std::int64_t now() { return std::int64_t(std::time(nullptr)); }

std::string record_json(const PushRecord &r) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    auto text = [&](const char *key, const std::string &value) {
        w.Key(key);
        w.String(value.c_str(), rapidjson::SizeType(value.size()));
    };
    w.StartObject();
    text("id", r.id);
    text("space", r.space);
    text("snap", r.snap);
    text("remote", r.remote.name);
    text("url", r.remote.url);
    text("state", r.state);
    text("error", r.error);
    text("hint", r.hint);
    w.Key("bytes_sent");
    w.Uint64(r.bytes_sent);
    w.Key("bytes_left");
    w.Uint64(r.bytes_left);
    w.Key("updated");
    w.Int64(r.updated);
    w.Key("pid");
    w.Int64(r.pid);
    w.Key("pid_start");
    w.Uint64(r.pid_start);
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

PushRecord record_of(const std::string &json, const std::string &origin) {
    transfer::JsonRecord doc(json, [&] { return Error("the background push record " + origin + " is damaged", "remove it; push the snapshot again"); });
    auto text = [&](const char *key) { return doc.text(key); };
    auto number = [&](const char *key) { return doc.unsigned_number(key); };
    PushRecord r;
    r.id = text("id");
    r.space = text("space");
    r.snap = text("snap");
    r.remote = {text("remote"), text("url")};
    r.state = text("state");
    r.error = text("error");
    r.hint = text("hint");
    r.bytes_sent = number("bytes_sent");
    r.bytes_left = number("bytes_left");
    r.updated = std::int64_t(number("updated"));
    r.pid = long(number("pid"));
    r.pid_start = number("pid_start");
    return r;
}

} // namespace

PushQueue::PushQueue(const std::filesystem::path &home) : dir_(home / "transfer" / "pushes") {
    fs::make_home_dir(home / "transfer");
    fs::make_private_dir(dir_);
}

PushRecord PushQueue::read(const std::string &id) const {
    validate_object_key(id); // one path component of safe characters
    if (id.find('/') != std::string::npos) throw UsageError("'" + id + "' is not a background push id");
    auto path = dir_ / (id + ".json");
    return record_of(fs::read_file(path), path.string());
}

void PushQueue::write(PushRecord &record) const {
    record.updated = now();
    fs::write_file_atomic(dir_ / (record.id + ".json"), record_json(record));
}

bool PushQueue::worker_alive(const PushRecord &record) const {
    if (record.pid <= 0) return false;
    auto started = process_start_time(pid_t(record.pid));
    return started && *started == record.pid_start && process_alive(pid_t(record.pid));
}

PushRecord PushQueue::start(const std::string &space, const std::string &snap, const Remote &remote, std::vector<std::string> worker) {
    PushRecord record;
    record.id = space + "." + snap + "." + transfer::to_hex(transfer::sha256(remote.url)).substr(0, 16);
    validate_name(space, "space");
    validate_name(snap, "snapshot");
    record.space = space;
    record.snap = snap;
    record.remote = remote;
    if (std::filesystem::exists(dir_ / (record.id + ".json"))) {
        PushRecord old = read(record.id);
        if ((old.state == "queued" || old.state == "running") && worker_alive(old))
            throw Error("snapshot '" + space + "/" + snap + "' is already being pushed to '" + remote.name + "' in the background",
                        "`dspace push --status` shows how far it got");
    }
    write(record);
    worker.push_back(record.id);
    sdk::Command command;
    command.argv = std::move(worker);
    command.cwd = "/";
    spawn_detached(command, (dir_ / (record.id + ".log")).string(), [&](pid_t pid) {
        record.pid = pid;
        record.pid_start = process_start_time(pid).value_or(0);
        write(record);
    });
    return record;
}

bool PushQueue::run(const std::string &id, TransferService &transfer) {
    PushRecord record = read(id);
    record.pid = long(::getpid());
    record.pid_start = process_start_time(::getpid()).value_or(0);
    record.state = "running";
    write(record);
    std::int64_t last_write = now();
    try {
        transfer.push(record.space, record.snap, record.remote, [&](std::uint64_t sent, std::uint64_t total) {
            record.bytes_sent = sent;
            record.bytes_left = total - sent;
            if (now() - last_write >= progress_write_interval_seconds) {
                write(record);
                last_write = now();
            }
        });
        record.state = "done";
        record.bytes_left = 0;
        write(record);
        return true;
    } catch (const Error &e) {
        record.state = "failed";
        record.error = e.what();
        record.hint = e.hint();
    } catch (const std::exception &e) {
        record.state = "failed";
        record.error = e.what();
    }
    write(record);
    return false;
}

std::vector<PushRecord> PushQueue::list() {
    std::vector<PushRecord> records;
    std::vector<std::filesystem::path> files;
    for (const auto &entry : std::filesystem::directory_iterator(dir_))
        if (entry.path().extension() == ".json" && entry.is_regular_file()) files.push_back(entry.path());
    for (const auto &file : files) {
        PushRecord record;
        try {
            record = record_of(fs::read_file(file), file.string());
        } catch (const Error &e) { // one damaged record does not hide the others
            spdlog::warn("{} ({})", e.what(), e.hint());
            continue;
        }
        bool unfinished = record.state == "queued" || record.state == "running";
        // pid 0: the command queuing it was killed before its worker started (given a minute to start)
        if (unfinished && !worker_alive(record) && (record.pid != 0 || now() - record.updated > 60)) {
            record.state = "failed";
            record.error = "its background worker stopped before the push finished (killed?)";
            record.hint = "push it again; it resumes where it stopped";
            write(record);
        }
        if (record.state == "done" && now() - record.updated > forget_done_after_seconds) {
            std::filesystem::remove(file);
            std::filesystem::remove(dir_ / (record.id + ".log"));
            continue;
        }
        records.push_back(std::move(record));
    }
    std::sort(records.begin(), records.end(), [](const PushRecord &a, const PushRecord &b) { return a.updated < b.updated; });
    return records;
}

} // namespace dspace
