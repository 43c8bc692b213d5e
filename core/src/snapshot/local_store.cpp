// The local snapshot store: $DSPACE_HOME/snapshots/<space>/<snap>/{manifest.json,payload/}.
//
// Names inside snapshots/<space>/:
//   <snap>/                  a published, complete snapshot (its manifest was written last, then it was renamed here)
//   .staging-<snap>-<rand>/  a snapshot being written: deleted by recovery
//   .replaced-<snap>-<rand>/ the old snapshot during `--force`: renamed back by recovery when <snap> is missing
//   .deleted-<snap>-<rand>/  a snapshot being removed: deleted by recovery
#include "../space/internal.hpp"
#include "store_files.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>
#include <dspace/core/names.hpp>
#include <dspace/core/paths.hpp>
#include <dspace/core/snapshot_store.hpp>

#include <algorithm>
#include <tuple>
#include <unistd.h>

namespace dspace {

namespace {

namespace stdfs = std::filesystem;

bool starts_with(const std::string &text, const std::string &prefix) { return text.rfind(prefix, 0) == 0; }

//! The snapshot name inside a leftover entry's name ".<kind>-<snap>-<rand>".
std::string leftover_snapshot(const std::string &entry) {
    auto first = entry.find('-');
    auto last = entry.rfind('-');
    return first == std::string::npos || last <= first ? std::string{} : entry.substr(first + 1, last - first - 1);
}

class LocalSnapshotStore final : public SnapshotStore {
public:
    explicit LocalSnapshotStore(stdfs::path root) : root_(std::move(root)) {}

    StagedSnapshot stage(const std::string &space, const std::string &name) override {
        fs::make_home_dir(root_);
        fs::make_private_dir(space_dir(space));
        StagedSnapshot staged{space, name, space_dir(space) / (std::string(store_files::staging) + name + "-" + random_token()), {}};
        fs::make_private_dir(staged.dir);
        staged.payload_dir = staged.dir / store_files::payload;
        fs::make_private_dir(staged.payload_dir);
        return staged;
    }

    void publish(const StagedSnapshot &staged, const SnapshotManifest &manifest, bool replace) override {
        fs::fsync_tree(staged.dir);
        fs::write_file_atomic(staged.dir / store_files::manifest, manifest_to_json(manifest), 0600);
        stdfs::path target = snapshot_dir(staged.space, staged.name);
        if (!exists(staged.space, staged.name)) {
            fs::rename_durable(staged.dir, target);
            return;
        }
        if (!replace)
            throw Error("snapshot '" + staged.name + "' of space '" + staged.space + "' already exists",
                        "pick another name, or pass --force to replace it");
        stdfs::path old = space_dir(staged.space) / (std::string(store_files::replaced) + staged.name + "-" + random_token());
        fs::rename_durable(target, old);
        fs::rename_durable(staged.dir, target);
        fs::remove_tree(old);
    }

    void discard(const StagedSnapshot &staged) override { fs::remove_tree(staged.dir); }

    bool exists(const std::string &space, const std::string &name) const override {
        return fs::is_real_dir(space_dir(space)) && fs::is_real_dir(snapshot_dir(space, name));
    }

    SnapshotManifest read(const std::string &space, const std::string &name) const override {
        if (!exists(space, name))
            throw Error("space '" + space + "' has no snapshot '" + name + "'", "run `dspace snapshot ls " + space + "` to see its snapshots");
        stdfs::path file = snapshot_dir(space, name) / store_files::manifest;
        std::error_code ec;
        if (!stdfs::exists(file, ec))
            throw Error("the snapshot manifest " + file.string() + " is missing", "run `dspace snapshot verify --repair` to remove the damaged snapshot");
        return manifest_from_json(fs::read_file(file), file.string());
    }

    std::vector<SnapshotManifest> list(const std::string &space) const override {
        std::vector<SnapshotManifest> out;
        for (const auto &s : spaces(space))
            for (const auto &name : snapshot_names(s)) {
                try {
                    out.push_back(read(s, name));
                } catch (const Error &) {
                    // Damaged snapshots are not listed; `verify` reports them.
                }
            }
        std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) {
            return std::tie(a.space, a.created, a.name) < std::tie(b.space, b.created, b.name);
        });
        return out;
    }

    stdfs::path payload_dir(const std::string &space, const std::string &name) const override {
        return snapshot_dir(space, name) / store_files::payload;
    }

    void remove(const std::string &space, const std::string &name) override {
        if (!exists(space, name))
            throw Error("space '" + space + "' has no snapshot '" + name + "'", "run `dspace snapshot ls " + space + "` to see its snapshots");
        stdfs::path doomed = space_dir(space) / (std::string(store_files::deleted) + name + "-" + random_token());
        fs::rename_durable(snapshot_dir(space, name), doomed);
        fs::remove_tree(doomed);
        ::rmdir(space_dir(space).c_str()); // the space's last snapshot: its directory goes too (fails harmlessly otherwise)
    }

    void copy(const std::string &space, const std::string &name, const std::string &to_space, const std::string &to_name) override {
        SnapshotManifest manifest = read(space, name);
        if (exists(to_space, to_name))
            throw Error("snapshot '" + to_name + "' of space '" + to_space + "' already exists", "pick another name, or remove it first");
        StagedSnapshot staged = stage(to_space, to_name);
        try {
            fs::remove_tree(staged.payload_dir);
            link_tree(payload_dir(space, name), staged.payload_dir);
            manifest.space = to_space;
            manifest.name = to_name;
            publish(staged, manifest, false);
        } catch (...) {
            discard(staged);
            throw;
        }
    }

    void recover(const std::string &space) override {
        for (const auto &s : spaces(space))
            for (const auto &entry : entries(s)) {
                stdfs::path path = space_dir(s) / entry;
                if (starts_with(entry, store_files::replaced) && name_problem(leftover_snapshot(entry)).empty() &&
                    !exists(s, leftover_snapshot(entry)))
                    fs::rename_durable(path, snapshot_dir(s, leftover_snapshot(entry)));
                else if (is_leftover(entry))
                    fs::remove_tree(path);
            }
    }

    std::vector<StoreProblem> verify(const std::string &space, bool repair) override {
        std::vector<StoreProblem> problems;
        if (space.empty())
            for (const auto &entry : strays()) {
                problems.push_back({entry, "", "is not a space's snapshot directory (a symbolic link, a file or a bad name)"});
                if (repair) fs::remove_tree(root_ / entry); // a link is unlinked, never followed
            }
        for (const auto &s : spaces(space))
            for (const auto &entry : entries(s)) {
                std::string problem = is_leftover(entry) ? "left over by an interrupted command" : damage(s, entry);
                if (problem.empty()) continue;
                problems.push_back({s, entry, problem});
                if (repair) fs::remove_tree(space_dir(s) / entry);
            }
        return problems;
    }

private:
    stdfs::path space_dir(const std::string &space) const { return Paths::child(root_, space, "space"); }
    stdfs::path snapshot_dir(const std::string &space, const std::string &name) const {
        return Paths::child(space_dir(space), name, "snapshot");
    }

    static bool is_leftover(const std::string &entry) {
        return starts_with(entry, store_files::staging) || starts_with(entry, store_files::replaced) ||
               starts_with(entry, store_files::deleted);
    }

    //! The entry names in a space's directory (none when it is a symbolic link: never followed).
    std::vector<std::string> entries(const std::string &space) const {
        std::vector<std::string> out;
        std::error_code ec;
        if (!fs::is_real_dir(space_dir(space))) return out;
        for (const auto &e : stdfs::directory_iterator(space_dir(space), ec)) out.push_back(e.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    }

    //! The published snapshot names of a space.
    std::vector<std::string> snapshot_names(const std::string &space) const {
        std::vector<std::string> out;
        for (const auto &e : entries(space))
            if (!is_leftover(e) && name_problem(e).empty() && exists(space, e)) out.push_back(e);
        return out;
    }

    //! The space directories to look at: just space (validated), or every real directory with a valid name.
    std::vector<std::string> spaces(const std::string &space) const {
        if (!space.empty()) {
            space_dir(space); // throws UsageError for a name that is no space name ("/tmp/d", "../x")
            return {space};
        }
        std::vector<std::string> out;
        for (const auto &[name, sound] : root_entries())
            if (sound) out.push_back(name);
        return out;
    }

    //! Entries of the store's root that are not space directories: links, files, bad names.
    std::vector<std::string> strays() const {
        std::vector<std::string> out;
        for (const auto &[name, sound] : root_entries())
            if (!sound) out.push_back(name);
        return out;
    }

    //! Every entry of the root, sorted, with whether it is a real directory with a valid space name.
    std::vector<std::pair<std::string, bool>> root_entries() const {
        std::vector<std::pair<std::string, bool>> out;
        std::error_code ec;
        for (const auto &e : stdfs::directory_iterator(root_, ec)) {
            std::string name = e.path().filename().string();
            out.emplace_back(name, name_problem(name).empty() && fs::is_real_dir(e.path()));
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    std::string damage(const std::string &space, const std::string &entry) const override {
        if (!name_problem(entry).empty() || !exists(space, entry)) return "is not a snapshot directory";
        SnapshotManifest manifest;
        try {
            manifest = read(space, entry);
        } catch (const Error &e) {
            return e.what();
        }
        if (manifest.space != space || manifest.name != entry)
            return "its manifest names snapshot '" + manifest.name + "' of space '" + manifest.space + "'";
        stdfs::path payload = payload_dir(space, entry);
        std::vector<ManifestFile> actual;
        try {
            actual = scan_payload(payload);
        } catch (const Error &e) {
            return e.what();
        }
        for (const auto &expected : manifest.files) {
            auto found = std::find_if(actual.begin(), actual.end(), [&](const auto &f) { return f.path == expected.path; });
            if (found == actual.end()) return "payload file " + expected.path + " is missing";
            if (found->size != expected.size || found->xxh3_128 != expected.xxh3_128)
                return "payload file " + expected.path + " does not match its checksum";
        }
        for (const auto &f : actual)
            if (std::none_of(manifest.files.begin(), manifest.files.end(), [&](const auto &e) { return e.path == f.path; }))
                return "payload file " + f.path + " is not in the manifest";
        return {};
    }

    stdfs::path root_;
};

} // namespace

std::unique_ptr<SnapshotStore> make_local_snapshot_store(const std::filesystem::path &root) {
    return std::make_unique<LocalSnapshotStore>(root);
}

} // namespace dspace
