#include "bundle_records.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace dspace::plugin_bundle {

std::filesystem::path records_dir(const std::filesystem::path &plugin_dir) { return plugin_dir / "bundles"; }

std::filesystem::path record_path(const std::filesystem::path &plugin_dir, const std::string &bundle_name) {
    return records_dir(plugin_dir) / (bundle_name + ".json");
}

std::vector<BundleManifest> read_records(const std::filesystem::path &plugin_dir) {
    std::vector<BundleManifest> out;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(records_dir(plugin_dir), ec)) {
        const auto &path = entry.path();
        if (path.extension() != ".json" || !name_problem(path.stem().string()).empty()) continue;
        if (std::filesystem::symlink_status(path, ec).type() != std::filesystem::file_type::regular) continue;
        try {
            auto manifest = parse_manifest(fs::read_file(path), path.string());
            if (manifest.name == path.stem().string()) out.push_back(std::move(manifest));
        } catch (const Error &) {
        }
    }
    return out;
}

void write_record(const std::filesystem::path &plugin_dir, const BundleManifest &manifest) {
    fs::write_file_atomic(record_path(plugin_dir, manifest.name), manifest_json(manifest), 0644);
}

bool lists(const BundleManifest &manifest, const std::string &file_name) {
    return std::any_of(manifest.files.begin(), manifest.files.end(), [&](const auto &f) { return f.name == file_name; });
}

std::string owner_of(const std::filesystem::path &plugin_dir, const std::string &file_name) {
    for (const auto &record : read_records(plugin_dir))
        if (lists(record, file_name)) return record.name;
    return {};
}

void disown(const std::filesystem::path &plugin_dir, const std::string &file_name, const std::string &keep) {
    for (auto record : read_records(plugin_dir)) {
        if (record.name == keep || !lists(record, file_name)) continue;
        std::erase_if(record.files, [&](const auto &f) { return f.name == file_name; });
        if (!record.files.empty()) {
            write_record(plugin_dir, record);
        } else if (::unlink(record_path(plugin_dir, record.name).c_str()) != 0 && errno != ENOENT) {
            throw Error("cannot delete " + record_path(plugin_dir, record.name).string() + ": " + std::strerror(errno));
        }
    }
}

} // namespace dspace::plugin_bundle
