#include "remote_lock.hpp"
#include "json_record.hpp"
#include "remote_layout.hpp"
#include "../space/internal.hpp"

#include <openssl/rand.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <unistd.h>

namespace dspace::transfer {

namespace {

constexpr std::string_view lock_prefix = "locks/", lock_suffix = ".json";
constexpr std::size_t lock_id_digits = 32;

std::int64_t now() { return std::int64_t(std::time(nullptr)); }

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "an unnamed host";
    return name;
}

//! This boot's id (the kernel's random boot_id), or "" when unreadable.
std::string boot_id() {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string id;
    std::getline(in, id);
    return id;
}

//! 12 s, 5 min, 3 h: an age for messages.
std::string age_text(std::int64_t seconds) {
    if (seconds < 120) return std::to_string(seconds) + " s";
    if (seconds < 2 * 3600) return std::to_string(seconds / 60) + " min";
    return std::to_string(seconds / 3600) + " h";
}

} // namespace

std::string encode_lock(const LockRecord &lock) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("kind");
    w.String(lock.kind.c_str(), rapidjson::SizeType(lock.kind.size()));
    w.Key("host");
    w.String(lock.host.c_str(), rapidjson::SizeType(lock.host.size()));
    w.Key("pid");
    w.Int64(lock.pid);
    w.Key("created");
    w.Int64(lock.created);
    w.Key("refreshed");
    w.Int64(lock.refreshed);
    w.Key("boot");
    w.String(lock.boot.c_str(), rapidjson::SizeType(lock.boot.size()));
    w.Key("process");
    w.String(lock.process.c_str(), rapidjson::SizeType(lock.process.size()));
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

LockRecord decode_lock(std::string_view bytes, const std::string &origin) {
    JsonRecord record(bytes, [&] { return Error("the remote lock " + origin + " is damaged", "remove it if no push or gc is running there"); });
    return {record.text("kind"),        record.text("host"), long(record.signed_number("pid")), record.signed_number("created"),
            record.signed_number("refreshed"), record.optional_text("boot"), record.optional_text("process")};
}

bool lock_holder_gone(const LockRecord &lock) {
    return !lock.boot.empty() && lock.host == host_name() && lock.boot == boot_id() && token_process_gone(lock.process);
}

std::string lock_key(const std::string &id) { return std::string(lock_prefix) + id + std::string(lock_suffix); }

bool is_lock_key(const std::string &key) {
    if (key.size() != lock_prefix.size() + lock_id_digits + lock_suffix.size() || key.rfind(lock_prefix, 0) != 0 ||
        key.compare(key.size() - lock_suffix.size(), lock_suffix.size(), lock_suffix) != 0)
        return false;
    std::string id = key.substr(lock_prefix.size(), lock_id_digits);
    return std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool lock_is_fresh(std::int64_t last_written, std::int64_t now, std::chrono::seconds stale_after) {
    return last_written == 0 || now - last_written < stale_after.count();
}

bool lock_excludes(const std::string &mine, const std::string &theirs) { return mine != "push" || theirs != "push"; }

std::string describe_lock(const SeenLock &lock) {
    const LockRecord &r = lock.record;
    std::string what = r.kind == "push" ? "a push" : r.kind == "gc" ? "a `remote gc`" : "a command (lock kind '" + r.kind + "')";
    return what + " from " + r.host + " (pid " + std::to_string(r.pid) + ", lock " + lock.key + ", last refreshed " +
           age_text(lock.age_seconds) + " ago)";
}

RemoteLock::RemoteLock(Storage &storage, const Remote &remote, const std::string &kind, std::chrono::seconds refresh_every)
    : storage_(storage), remote_(remote), refresh_every_(refresh_every) {
    BlockId random{};
    if (RAND_bytes(random.data(), int(lock_id_digits / 2)) != 1) throw Error("cannot draw a random lock id (OpenSSL)");
    key_ = lock_key(to_hex(random).substr(0, lock_id_digits));
    record_ = {kind, host_name(), long(::getpid()), now(), 0, boot_id(), process_token()};
    write();
    try {
        auto objects = storage_.list(std::string(lock_prefix));
        std::int64_t remote_now = now(); // by the remote's clock when it reports one: the same clock as the others' ages
        for (const auto &object : objects)
            if (object.key == key_ && object.modified_unix != 0) remote_now = object.modified_unix;
        for (const auto &object : objects) {
            if (object.key == key_ || !is_lock_key(object.key)) continue;
            SeenLock seen{object.key, {"unknown", "an unknown host", 0, 0, 0, "", ""}, 0, object.size_bytes};
            try {
                seen.record = decode_lock(storage_.get_bytes(object.key), storage_.url() + "/" + object.key);
            } catch (const Error &) {
                if (!storage_.exists(object.key)) continue; // released since the listing
            }
            std::int64_t written = object.modified_unix != 0 ? object.modified_unix : seen.record.refreshed;
            seen.age_seconds = written == 0 ? 0 : std::max<std::int64_t>(0, remote_now - written);
            if (!lock_is_fresh(written, remote_now) || lock_holder_gone(seen.record)) {
                stale_.push_back(seen);
            } else if (lock_excludes(kind, seen.record.kind)) {
                if (kind == "push")
                    throw Error("remote '" + remote_.name + "' is being cleaned up by " + describe_lock(seen) + ", so nothing was pushed",
                                "push again once that gc has finished (a lock a command killed on another machine left goes stale " +
                                    age_text(lock_stale_after.count()) + " after its last refresh)");
                throw Error("remote '" + remote_.name + "' is in use by " + describe_lock(seen) + ", so nothing was removed",
                            "run `dspace remote gc " + remote_.name + "` again once it has finished; a lock a command killed on another machine left goes stale " +
                                age_text(lock_stale_after.count()) + " after its last refresh, and gc then removes it");
            }
        }
    } catch (...) {
        try {
            storage_.remove(key_);
        } catch (const std::exception &e) {
            spdlog::warn("cannot remove the lock {} at {}: {} (it goes stale by itself)", key_, storage_.url(), e.what());
        }
        throw;
    }
}

RemoteLock::~RemoteLock() {
    try {
        storage_.remove(key_);
    } catch (const std::exception &e) {
        spdlog::warn("cannot remove the lock {} at {}: {} (it goes stale by itself)", key_, storage_.url(), e.what());
    }
}

void RemoteLock::write() {
    record_.refreshed = now();
    storage_.put_bytes(key_, encode_lock(record_));
}

Error RemoteLock::lost() const {
    return Error("the lock of this " + record_.kind + " at remote '" + remote_.name + "' (" + key_ +
                     ") is gone: a `remote gc` elsewhere took it for stale (was this machine asleep?) and may have removed packs it relies on",
                 "run it again: it sends what the remote now lacks");
}

void RemoteLock::refresh_if_due() {
    std::lock_guard<std::mutex> held(mutex_);
    if (now() - record_.refreshed < refresh_every_.count()) return;
    if (!storage_.exists(key_)) throw lost();
    write();
}

void RemoteLock::check_held() {
    std::lock_guard<std::mutex> held(mutex_);
    if (!storage_.exists(key_)) throw lost();
}

} // namespace dspace::transfer
