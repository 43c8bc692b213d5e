// A throw-away XFS file system with reflinks, loop-mounted from a sparse image under /tmp, for tests of the
// blocks snapshotter's reflink paths. Needs root, mkfs.xfs and a free loop device: LoopXfs::unavailable() says
// which is missing, so a test can print why it skips. Unmounted (which detaches the loop device: mount -o loop
// sets autoclear) and deleted on destruction, also when the test fails.
#pragma once

#include "temp_dir.hpp"

#include <dspace/core/process.hpp>

#include <fstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace dspace_test {

class LoopXfs {
public:
    //! Why no loop-mounted XFS can be made here, or empty when it can.
    static std::string unavailable() {
        if (::geteuid() != 0) return "not root (mounting a loop device needs root)";
        dspace::ProcessRunnerImpl runner(nullptr);
        if (runner.find_program("mkfs.xfs", {"/usr/sbin", "/sbin"}).empty()) return "mkfs.xfs is not installed (xfsprogs)";
        std::ifstream filesystems("/proc/filesystems");
        std::string line;
        bool xfs = false;
        while (std::getline(filesystems, line)) xfs = xfs || line.find("\txfs") != std::string::npos;
        if (!xfs) return "the kernel has no XFS (not in /proc/filesystems)";
        if (!run({"losetup", "--find"}).empty()) return "no free loop device (losetup --find failed)";
        return {};
    }

    //! Makes a sparse image of size_bytes, formats it with reflinks and mounts it; throws std::runtime_error on failure.
    explicit LoopXfs(unsigned long long size_bytes) {
        std::string image = (dir_.path() / "image").string();
        std::ofstream(image).close();
        if (::truncate(image.c_str(), off_t(size_bytes)) != 0) throw std::runtime_error("cannot size " + image);
        expect(run({"mkfs.xfs", "-q", "-m", "reflink=1", image}), "mkfs.xfs");
        std::filesystem::create_directory(mount_point());
        expect(run({"mount", "-o", "loop", image, mount_point().string()}), "mount -o loop");
        mounted_ = true;
        if (::chmod(mount_point().c_str(), 0711) != 0) throw std::runtime_error("cannot set the mode of " + mount_point().string());
    }
    ~LoopXfs() {
        if (mounted_ && !run({"umount", mount_point().string()}).empty()) run({"umount", "-l", mount_point().string()});
    }
    LoopXfs(const LoopXfs &) = delete;
    LoopXfs &operator=(const LoopXfs &) = delete;
    //! The mounted file system's root (mode 0711).
    std::filesystem::path mount_point() const { return dir_.path() / "mnt"; }

private:
    //! Runs argv; returns empty on success, else what it printed.
    static std::string run(const std::vector<std::string> &argv) {
        dspace::ProcessRunnerImpl runner(nullptr);
        dspace::sdk::Command command;
        command.argv = argv;
        command.timeout = std::chrono::seconds(120);
        auto result = runner.run(command);
        if (!result.ok()) return argv.front() + " could not run";
        if (result.value().succeeded()) return {};
        return argv.front() + " failed: " + result.value().out + result.value().err;
    }
    static void expect(const std::string &failure, const std::string &what) {
        if (!failure.empty()) throw std::runtime_error(what + ": " + failure);
    }
    TempDir dir_{"dspace-xfs-", 0711};
    bool mounted_ = false;
};

} // namespace dspace_test
