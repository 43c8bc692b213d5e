// `dspace plugins install` / `rm`: everything is checked in a private staging directory inside the managed
// plugin directory, then renamed into place; removal deletes only files directly in that directory.
#include "bundle.hpp"
#include "bundle_records.hpp"
#include "loader.hpp"
#include "messages.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/lock.hpp>
#include <dspace/core/plugin_host.hpp>
#include <dspace/core/plugin_install.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace dspace {

namespace bundle = plugin_bundle;

namespace {

constexpr const char *staging_prefix = ".install-";
constexpr unsigned plugin_file_mode = 0755;
const std::string source_hint =
    "give a plugin file (dspace_<kind>_<name>.so; kind: flavour, migrator or snapshotter) or a bundle made with "
    "dspace_add_bundle() (.tar.zst)";

//! What lstat says about path: nullopt when it does not exist.
std::optional<struct stat> lstat_of(const std::filesystem::path &path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) return st;
    if (errno == ENOENT) return std::nullopt;
    throw Error("cannot inspect " + path.string() + ": " + std::strerror(errno));
}

//! A private directory dir/.install-XXXXXX, removed with its contents when this goes out of scope.
class Staging {
public:
    explicit Staging(const std::filesystem::path &dir) {
        std::string pattern = (dir / (std::string(staging_prefix) + "XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr)
            throw Error("cannot create a staging directory in " + dir.string() + ": " + std::strerror(errno),
                        "check that you may write to " + dir.string());
        path_ = pattern;
    }
    ~Staging() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    Staging(const Staging &) = delete;
    Staging &operator=(const Staging &) = delete;
    const std::filesystem::path &path() const { return path_; }

private:
    std::filesystem::path path_;
};

//! Removes .install-* directories an interrupted install left (the caller holds the directory's lock).
void remove_stale_staging(const std::filesystem::path &dir) {
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.path().filename().string().rfind(staging_prefix, 0) != 0) continue;
        if (auto st = lstat_of(entry.path()); st && S_ISDIR(st->st_mode)) fs::remove_tree(entry.path());
    }
}

bool has_plugin_suffix(const std::filesystem::path &file) {
    const std::string name = file.filename().string();
    const std::string suffix = boost::dll::shared_library::suffix().string();
    return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

//! Deletes dir/file_name when it is a file or a symbolic link (unlinked, not followed); false when it was not there.
bool remove_managed(const std::filesystem::path &dir, const std::string &file_name) {
    const std::filesystem::path path = dir / file_name;
    auto st = lstat_of(path);
    if (!st) return false;
    if (S_ISDIR(st->st_mode)) throw Error("refusing to delete " + path.string() + ": it is a directory, not a plugin file");
    if (::unlink(path.c_str()) != 0) throw Error("cannot delete " + path.string() + ": " + std::strerror(errno));
    return true;
}

//! Checks the extracted files against the manifest: the same set of plugin files, each with its SHA-256.
bundle::BundleManifest verify_bundle(const std::filesystem::path &staging, const std::vector<std::string> &names,
                                     const std::filesystem::path &source) {
    const std::string origin = "bundle " + source.string();
    const std::string hint = "the bundle is damaged or was changed after it was packed: ask its publisher for a new one";
    if (std::find(names.begin(), names.end(), bundle::manifest_name) == names.end())
        throw Error(origin + " has no " + bundle::manifest_name + "; nothing was installed", source_hint);
    auto manifest = bundle::parse_manifest(fs::read_file(staging / bundle::manifest_name), origin + ": " + bundle::manifest_name);
    for (const auto &name : names) {
        if (name != bundle::manifest_name && !bundle::lists(manifest, name))
            throw Error(origin + " holds " + name + ", which " + bundle::manifest_name + " does not list; nothing was installed", hint);
    }
    for (const auto &file : manifest.files) {
        if (std::find(names.begin(), names.end(), file.name) == names.end())
            throw Error(origin + ": " + bundle::manifest_name + " lists " + file.name + ", which the archive does not hold; nothing was installed", hint);
        std::string actual = bundle::sha256_file(staging / file.name);
        if (actual != file.sha256)
            throw Error(origin + ": checksum mismatch for " + file.name + " (" + bundle::manifest_name + " says SHA-256 " + file.sha256 +
                            ", the file has " + actual + "); nothing was installed",
                        hint);
    }
    return manifest;
}

//! Refuses to install plugin over a file of another plugin or bundle, or beside another loaded copy, unless force.
void check_conflicts(const PluginHost &loaded, const std::filesystem::path &dir, const std::string &file_name, const InstalledPlugin &plugin,
                     const std::string &bundle_name, bool force) {
    const std::filesystem::path target = dir / file_name;
    if (auto st = lstat_of(target)) {
        if (!S_ISREG(st->st_mode))
            throw Error("refusing to install over " + target.string() + ": it is not a regular file", "remove it yourself if it should go");
        std::string owner = bundle::owner_of(dir, file_name);
        if (!force && (owner.empty() || owner != bundle_name))
            throw Error(target.string() + " already exists" + (owner.empty() ? "" : " (installed by bundle '" + owner + "')") + "; nothing was installed",
                        "add --force to replace it (for example to upgrade it)");
    }
    if (force) return;
    for (const auto &record : loaded.records()) {
        std::error_code ec;
        if (record.status != PluginStatus::loaded || record.kind != plugin.kind || record.name != plugin.name ||
            std::filesystem::equivalent(record.path, target, ec))
            continue;
        throw Error(plugin.kind + " '" + plugin.name + "' is already loaded from " + record.path.string() +
                        "; a second copy in " + dir.string() + " would shadow it or be shadowed (the first found wins); nothing was installed",
                    "remove the other copy first, or add --force to install anyway");
    }
}

} // namespace

PluginInstaller::PluginInstaller(std::filesystem::path dir, unsigned dir_mode, const PluginHost &loaded)
    : dir_(std::move(dir)), dir_mode_(dir_mode), loaded_(loaded) {}

InstallReport PluginInstaller::install(const std::filesystem::path &source, bool force) {
    struct stat st {};
    if (::stat(source.c_str(), &st) != 0)
        throw Error("cannot install " + source.string() + ": " + std::strerror(errno), source_hint);
    if (!S_ISREG(st.st_mode)) throw Error("cannot install " + source.string() + ": not a regular file", source_hint);
    std::optional<plugin_loader::FileName> file_name = plugin_loader::parse_file_name(source);
    if (has_plugin_suffix(source) && !file_name)
        throw Error("refusing to install " + source.string() + ": not a dspace plugin: its name is not dspace_<kind>_<name>" +
                        boost::dll::shared_library::suffix().string(),
                    source_hint);

    fs::make_private_dir(dir_, dir_mode_);
    FileLock lock(dir_ / ".lock", "the plugin directory " + dir_.string());
    remove_stale_staging(dir_);
    Staging staging(dir_);

    std::optional<bundle::BundleManifest> manifest;
    std::vector<std::string> files;
    if (file_name) {
        std::error_code ec;
        std::filesystem::copy_file(source, staging.path() / source.filename(), ec);
        if (ec) throw Error("cannot copy " + source.string() + " into " + staging.path().string() + ": " + ec.message());
        files.push_back(source.filename().string());
    } else {
        manifest = verify_bundle(staging.path(), bundle::extract_archive(source, staging.path()), source);
        for (const auto &file : manifest->files) files.push_back(file.name);
    }
    const std::string bundle_name = manifest ? manifest->name : "";
    const std::string what = manifest ? "bundle " + source.string() + ": " : "";

    InstallReport report;
    if (manifest) {
        report.bundle = manifest->name;
        report.bundle_version = manifest->version;
    }
    PluginHost checker; // a host of its own: the handshake and registration, as `dspace` will run them
    for (const auto &file : files) {
        PluginRecord record = checker.try_load_file(staging.path() / file);
        if (record.status != PluginStatus::loaded)
            throw Error("refusing to install " + what + file + ": " + record.reason + "; nothing was installed",
                        record.hint == plugin_messages::not_shared_object_hint ? source_hint : record.hint);
        report.plugins.push_back({record.kind, record.name, record.version, dir_ / file});
    }
    for (size_t i = 0; i < files.size(); ++i) check_conflicts(loaded_, dir_, files[i], report.plugins[i], bundle_name, force);

    for (const auto &file : files) std::filesystem::permissions(staging.path() / file, std::filesystem::perms(plugin_file_mode));
    fs::fsync_tree(staging.path());
    std::optional<bundle::BundleManifest> previous;
    if (manifest) {
        for (auto &record : bundle::read_records(dir_))
            if (record.name == manifest->name) previous = std::move(record);
        fs::make_private_dir(bundle::records_dir(dir_), dir_mode_);
        bundle::write_record(dir_, *manifest);
    }
    for (const auto &file : files) {
        if (force) bundle::disown(dir_, file, bundle_name);
        fs::rename_durable(staging.path() / file, dir_ / file);
    }
    if (previous) // an upgrade: files the new version no longer holds go
        for (const auto &old : previous->files)
            if (!bundle::lists(*manifest, old.name)) remove_managed(dir_, old.name);
    fs::fsync_dir(dir_);
    return report;
}

RemoveReport PluginInstaller::remove(const std::string &what) {
    const std::string hint = "`dspace plugins` lists what is loaded and from where";
    RemoveReport report;
    if (!lstat_of(dir_)) throw Error("no plugin or bundle '" + what + "' is installed in " + dir_.string(), hint);
    FileLock lock(dir_ / ".lock", "the plugin directory " + dir_.string());

    if (bundle::name_problem(what).empty()) {
        for (const auto &record : bundle::read_records(dir_)) {
            if (record.name != what) continue;
            for (const auto &file : record.files)
                if (remove_managed(dir_, file.name)) report.removed.push_back(dir_ / file.name);
            if (::unlink(bundle::record_path(dir_, what).c_str()) != 0)
                throw Error("cannot delete " + bundle::record_path(dir_, what).string() + ": " + std::strerror(errno));
            fs::fsync_dir(bundle::records_dir(dir_));
            fs::fsync_dir(dir_);
            report.bundle = what;
            return report;
        }
    }

    auto slash = what.find('/');
    const std::string kind = slash == std::string::npos ? "" : what.substr(0, slash);
    const std::string name = slash == std::string::npos ? what : what.substr(slash + 1);
    const std::string suffix = boost::dll::shared_library::suffix().string();
    std::vector<std::string> candidates;
    for (const char *k : {"flavour", "migrator", "snapshotter"})
        if (kind.empty() || kind == k) candidates.push_back(std::string("dspace_") + k + "_" + name + suffix);
    // Only names the loader accepts become paths: no '/', no '..'.
    std::erase_if(candidates, [&](const std::string &file) {
        auto parsed = plugin_loader::parse_file_name(file);
        return !parsed || parsed->name != name || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos;
    });
    if (candidates.empty() && !bundle::name_problem(what).empty())
        throw UsageError("'" + what + "' is not a plugin (<kind>/<name> or <name>) or a bundle name", hint);
    std::vector<std::string> found;
    for (const auto &file : candidates)
        if (lstat_of(dir_ / file)) found.push_back(file);
    if (found.empty()) {
        std::string where;
        for (const auto &record : loaded_.records())
            if (record.name == name && (kind.empty() || record.kind == kind)) where = record.path.string();
        throw Error("no plugin or bundle '" + what + "' is installed in " + dir_.string(),
                    where.empty() ? hint : "it is loaded from " + where + ", which `dspace plugins rm` does not manage: delete that file yourself");
    }
    if (found.size() > 1)
        throw UsageError("'" + what + "' is ambiguous: " + found.front() + " and " + found.back() + " are both installed",
                         "give <kind>/" + name);
    if (std::string owner = bundle::owner_of(dir_, found.front()); !owner.empty())
        throw Error(found.front() + " belongs to bundle '" + owner + "'; it was not removed",
                    "remove the whole bundle with `dspace plugins rm " + owner + "`");
    remove_managed(dir_, found.front());
    fs::fsync_dir(dir_);
    report.removed.push_back(dir_ / found.front());
    return report;
}

std::string bundle_of(const std::filesystem::path &plugin_file) {
    return bundle::owner_of(plugin_file.parent_path(), plugin_file.filename().string());
}

} // namespace dspace
