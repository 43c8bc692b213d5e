// Shared by the snapshotter plugin tests: loading a built snapshotter, and a directory tree to round-trip.
#pragma once

#include "support/temp_dir.hpp"

#include <dspace/core/config.hpp>
#include <dspace/core/host_services.hpp>
#include <dspace/core/paths.hpp>
#include <dspace/core/plugin_host.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace snapshotter_test {

namespace stdfs = std::filesystem;

using dspace_test::TempDir;

//! A PluginHost with one built snapshotter loaded, and host services to call it with.
struct LoadedSnapshotter {
    TempDir home;
    dspace::Config config{home.path() / "config.json"};
    dspace::HostServices host{dspace::Paths(home.path()), config};
    dspace::PluginHost plugins;
    dspace::sdk::Snapshotter *snapshotter = nullptr;

    //! Loads dspace_snapshotter_<name>.so from the build's plugin directory; checks it was absent before.
    explicit LoadedSnapshotter(const std::string &name) {
        REQUIRE(plugins.try_snapshotter(name) == nullptr);
        plugins.load_file(stdfs::path(DSPACE_TEST_PLUGIN_DIR) / ("dspace_snapshotter_" + name + ".so"));
        snapshotter = plugins.try_snapshotter(name);
        REQUIRE(snapshotter != nullptr);
        REQUIRE(snapshotter->name() == name);
    }
};

inline void write(const stdfs::path &file, const std::string &content, stdfs::perms mode) {
    std::ofstream(file, std::ios::binary) << content;
    stdfs::permissions(file, mode);
}

//! A small tree: nested files with different modes, a large file, a symbolic link, an empty directory.
inline void make_tree(const stdfs::path &root) {
    stdfs::create_directories(root / "base" / "1");
    stdfs::create_directories(root / "empty");
    write(root / "PG_VERSION", "15\n", stdfs::perms::owner_read | stdfs::perms::owner_write);
    write(root / "base" / "1" / "1259", std::string(100000, 'p') + "end", stdfs::perms::owner_all | stdfs::perms::group_read);
    write(root / "run.sh", "#!/bin/sh\n", stdfs::perms::owner_all | stdfs::perms::group_read | stdfs::perms::others_exec);
    stdfs::create_symlink("base/1/1259", root / "link");
    stdfs::permissions(root / "empty", stdfs::perms::owner_all | stdfs::perms::group_exec);
}

//! Every entry below root: relative path → type, mode, owner, content or link target.
inline std::map<std::string, std::string> describe(const stdfs::path &root) {
    std::map<std::string, std::string> out;
    for (auto it = stdfs::recursive_directory_iterator(root); it != stdfs::recursive_directory_iterator(); ++it) {
        struct stat st {};
        REQUIRE(::lstat(it->path().c_str(), &st) == 0);
        std::string text = std::to_string(st.st_mode) + " " + std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid) + " ";
        if (S_ISLNK(st.st_mode)) text += "-> " + stdfs::read_symlink(it->path()).string();
        else if (S_ISREG(st.st_mode)) {
            std::ifstream in(it->path(), std::ios::binary);
            text += std::string(std::istreambuf_iterator<char>(in), {});
        }
        out[it->path().lexically_relative(root).string()] = text;
    }
    return out;
}

//! Snapshots a tree and restores it into an empty directory; the copy must equal the original.
inline void check_round_trip(LoadedSnapshotter &loaded) {
    TempDir work;
    stdfs::path source = work.path() / "source", payload = work.path() / "payload", target = work.path() / "target";
    make_tree(source);
    stdfs::create_directories(payload);
    stdfs::create_directories(target);
    dspace::sdk::SnapshotJob job;
    job.server.space = "test";
    job.server.data_dir = source.string();
    job.payload_dir = payload.string();
    auto taken = loaded.snapshotter->snapshot(loaded.host, job);
    INFO(taken.message());
    REQUIRE(taken.ok());
    dspace::sdk::RestoreJob restore;
    restore.server.space = "test";
    restore.server.data_dir = target.string();
    restore.payload_dir = payload.string();
    auto restored = loaded.snapshotter->restore(loaded.host, restore);
    INFO(restored.message());
    REQUIRE(restored.ok());
    CHECK(describe(target) == describe(source));
}

} // namespace snapshotter_test
