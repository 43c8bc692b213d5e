// Random damage to JSON state files for the fuzz tests: byte flips, truncations, type swaps and deleted keys.
//
// The seed is DSPACE_TEST_SEED when set, else the clock; tests print it so a failure can be replayed.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace dspace_test {

//! The fuzz seed: DSPACE_TEST_SEED, else the current time.
inline std::uint64_t fuzz_seed() {
    if (const char *seed = std::getenv("DSPACE_TEST_SEED"); seed && *seed) return std::strtoull(seed, nullptr, 10);
    return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

//! How many mutations a fuzz test makes: quick, or more with DSPACE_TEST_LONG=1.
inline int fuzz_rounds(int quick) {
    const char *long_run = std::getenv("DSPACE_TEST_LONG");
    return long_run && std::string(long_run) == "1" ? quick * 20 : quick;
}

//! Mutates valid JSON text in one of several ways chosen by rng.
class JsonMutator {
public:
    explicit JsonMutator(std::uint64_t seed) : rng_(seed) {}

    //! A damaged variant of text (which must be valid JSON).
    std::string mutate(const std::string &text) {
        switch (pick(6)) {
        case 0: return flip_bytes(text);
        case 1: return text.substr(0, pick(text.size()));
        case 2: return edit_member(text, true);
        case 3: return edit_member(text, false);
        case 4: return flip_bytes(edit_member(text, true));
        default: return replace_whole(text);
        }
    }

private:
    std::size_t pick(std::size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

    std::string flip_bytes(std::string text) {
        if (text.empty()) return text;
        for (std::size_t i = 0, n = 1 + pick(4); i < n; ++i) text[pick(text.size())] = static_cast<char>(pick(256));
        return text;
    }

    //! A value of a random type, unusual ones included.
    rapidjson::Value random_value(rapidjson::Document::AllocatorType &alloc) {
        rapidjson::Value v;
        switch (pick(10)) {
        case 0: v.SetNull(); break;
        case 1: v.SetBool(pick(2) == 1); break;
        case 2: v.SetInt64(-static_cast<std::int64_t>(pick(1000000)) - 1); break;
        case 3: v.SetUint64(~std::uint64_t{0} - pick(10)); break;
        case 4: v.SetDouble(3.5); break;
        case 5: v.SetString("../../etc", alloc); break;
        case 6: v.SetArray(); v.PushBack(rapidjson::Value(1), alloc); break;
        case 7: v.SetObject(); v.AddMember("x", rapidjson::Value(1), alloc); break;
        case 8: v.SetString("", alloc); break;
        default: v.SetInt64(static_cast<std::int64_t>(pick(70000))); break;
        }
        return v;
    }

    //! Every object in doc (itself included), depth first.
    static void objects(rapidjson::Value &v, std::vector<rapidjson::Value *> &out) {
        if (v.IsObject()) {
            out.push_back(&v);
            for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) objects(it->value, out);
        } else if (v.IsArray()) {
            for (auto &item : v.GetArray()) objects(item, out);
        }
    }

    //! Swaps a random member's value for one of another type (swap) or deletes the member.
    std::string edit_member(const std::string &text, bool swap) {
        rapidjson::Document doc;
        doc.Parse(text.c_str());
        if (doc.HasParseError()) return text;
        std::vector<rapidjson::Value *> all;
        objects(doc, all);
        if (all.empty()) return text;
        rapidjson::Value *object = all[pick(all.size())];
        if (object->MemberCount() == 0) return text;
        auto member = object->MemberBegin() + static_cast<long>(pick(object->MemberCount()));
        if (swap) member->value = random_value(doc.GetAllocator());
        else object->RemoveMember(member);
        rapidjson::StringBuffer buffer;
        rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
        doc.Accept(writer);
        return buffer.GetString();
    }

    std::string replace_whole(const std::string &) {
        static const std::vector<std::string> odd{"", "null", "[]", "5", "\"text\"", "{", "{}", std::string("\0\0", 2), "{\"a\":"};
        return odd[pick(odd.size())];
    }

    std::mt19937_64 rng_;
};

} // namespace dspace_test
