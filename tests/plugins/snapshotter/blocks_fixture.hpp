// Shared by the blocks snapshotter's plugin tests: the plugin loaded with its capabilities beside a live tree,
// and random changes to a tree.
#pragma once

#include "snapshotter_fixture.hpp"

#include "support/counting_progress.hpp"

#include <dspace/sdk/snapshotter_capabilities.hpp>

#include <fcntl.h>
#include <random>
#include <unistd.h>

namespace snapshotter_test {

namespace sdk = dspace::sdk;

//! The blocks snapshotter with its capabilities, and a working directory with a live tree.
struct Blocks {
    LoadedSnapshotter loaded{"blocks"};
    sdk::InPlaceRestore *in_place = loaded.plugins.capability<sdk::InPlaceRestore>("blocks");
    sdk::SharedStore *shared = loaded.plugins.capability<sdk::SharedStore>("blocks");
    TempDir work;
    stdfs::path data = work.path() / "space" / "data";
    int snapshots = 0;

    Blocks() {
        REQUIRE(in_place != nullptr);
        REQUIRE(shared != nullptr);
        stdfs::create_directories(data);
    }

    //! Takes a snapshot of data (parent: previous, may be empty) and checks that its progress counted each byte of
    //! the tree once; returns its payload directory.
    std::string snapshot(const std::string &previous = {}) {
        stdfs::path payload = work.path() / ("payload" + std::to_string(++snapshots));
        stdfs::create_directories(payload);
        sdk::SnapshotJob job;
        job.server.space = "test";
        job.server.data_dir = data.string();
        job.payload_dir = payload.string();
        job.previous_payload_dir = previous;
        job.page_size = 4096;
        dspace_test::ProgressRecordingHost host(loaded.host);
        auto status = loaded.snapshotter->snapshot(host, job);
        INFO(status.message());
        REQUIRE(status.ok());
        const auto &hashing = host.counted.task("hashing changed files");
        CHECK(hashing.advanced == hashing.total);
        CHECK(hashing.ended);
        return payload.string();
    }

    sdk::RestoreJob restore_job(const std::string &payload, const stdfs::path &into) const {
        sdk::RestoreJob job;
        job.server.space = "test";
        job.server.data_dir = into.string();
        job.payload_dir = payload;
        job.page_size = 4096;
        return job;
    }

    //! verify_restore then restore_in_place of payload into data; both must succeed.
    void roll_back(const std::string &payload) {
        auto verified = in_place->verify_restore(loaded.host, restore_job(payload, data));
        INFO(verified.message());
        REQUIRE(verified.ok());
        auto restored = in_place->restore_in_place(loaded.host, restore_job(payload, data));
        INFO(restored.message());
        REQUIRE(restored.ok());
    }
};

//! Writes random bytes at random offsets of random files (some beyond the first MiB): extends, truncates,
//! punches sparse regions, creates and deletes files and directories.
inline void mutate(const stdfs::path &root, std::mt19937 &random, int changes) {
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); };
    for (int c = 0; c < changes; ++c) {
        stdfs::path dir = root / ("d" + std::to_string(pick(3)));
        stdfs::create_directories(dir);
        stdfs::path file = dir / ("f" + std::to_string(pick(6)));
        int action = pick(10);
        if (action == 0) {
            stdfs::remove(file);
            continue;
        }
        if (action == 1 && pick(4) == 0) {
            stdfs::remove_all(dir);
            continue;
        }
        int fd = ::open(file.c_str(), O_RDWR | O_CREAT, 0640);
        REQUIRE(fd >= 0);
        if (action == 2) REQUIRE(::ftruncate(fd, pick(40000)) == 0);
        else if (action == 3) REQUIRE(::ftruncate(fd, 1 << 20) == 0); // a sparse tail
        else {
            std::string bytes(std::size_t(1 + pick(9000)), '\0');
            if (pick(5) != 0)
                for (auto &b : bytes) b = char(pick(256));
            int offset = pick(4) == 0 ? pick(3 << 20) : pick(60000); // some files span several 1 MiB chunks
            REQUIRE(::pwrite(fd, bytes.data(), bytes.size(), offset) == ssize_t(bytes.size()));
        }
        ::close(fd);
        if (pick(8) == 0) stdfs::permissions(file, stdfs::perms::owner_read | stdfs::perms::owner_write);
    }
}

//! Sets the mtime (and atime) of file to seconds since the epoch: mtimes older than the snapshot are trusted.
inline void backdate(const stdfs::path &file, long seconds) {
    struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
    REQUIRE(::utimensat(AT_FDCWD, file.c_str(), times, 0) == 0);
}

} // namespace snapshotter_test
