// Helpers for what verbs print: JSON documents (RapidJSON) and aligned text tables.
#pragma once

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace dspace::cli {

//! The JSON writer every --json output uses.
using JsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

//! bytes as "512 B", "34.3 MiB", "1.2 GiB".
inline std::string human_size(std::uint64_t bytes) {
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024 && unit < 4) {
        value /= 1024;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    return text;
}

//! Runs write on a fresh writer and prints the document to stdout with a trailing newline.
inline void print_json(const std::function<void(JsonWriter &)> &write) {
    rapidjson::StringBuffer buffer;
    JsonWriter writer(buffer);
    writer.SetIndent(' ', 2);
    write(writer);
    std::cout << buffer.GetString() << "\n";
}

//! Writes "key": "value" into the current object (of any RapidJSON writer).
template <class Writer>
void json_field(Writer &w, const char *key, const std::string &value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

//! Prints a JSON array with one object per item; write_fields(w, item) writes that object's fields.
template <class Items, class WriteFields>
void print_json_array(const Items &items, const WriteFields &write_fields) {
    print_json([&](JsonWriter &w) {
        w.StartArray();
        for (const auto &item : items) {
            w.StartObject();
            write_fields(w, item);
            w.EndObject();
        }
        w.EndArray();
    });
}

//! Prints rows as columns padded to the widest cell; the first row is the header.
inline void print_table(const std::vector<std::vector<std::string>> &rows) {
    std::vector<size_t> widths;
    for (const auto &row : rows)
        for (size_t i = 0; i < row.size(); ++i) {
            if (widths.size() <= i) widths.push_back(0);
            widths[i] = std::max(widths[i], row[i].size());
        }
    for (const auto &row : rows) {
        std::string line;
        for (size_t i = 0; i < row.size(); ++i)
            line += i + 1 < row.size() ? row[i] + std::string(widths[i] - row[i].size() + 2, ' ') : row[i];
        std::cout << line << "\n";
    }
}

} // namespace dspace::cli
