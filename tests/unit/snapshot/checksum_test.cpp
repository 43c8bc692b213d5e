// XXH3-128 checksums of files and the scan of a payload directory.
#include <dspace/core/error.hpp>
#include <dspace/core/snapshot_manifest.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace dspace;
namespace stdfs = std::filesystem;

namespace {

//! A fresh directory removed at the end of the test.
struct TempDir {
    stdfs::path path = stdfs::temp_directory_path() / ("dspace-checksum-" + std::to_string(::getpid()) + "-" + std::to_string(rand()));
    TempDir() { stdfs::create_directories(path); }
    ~TempDir() { stdfs::remove_all(path); }
};

void write(const stdfs::path &file, const std::string &content) {
    stdfs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
}

} // namespace

TEST_CASE("xxh3_128_file gives the XXH3-128 of the content as 32 hex digits") {
    TempDir dir;
    write(dir.path / "empty", "");
    write(dir.path / "a", "hello");
    write(dir.path / "b", "hello");
    write(dir.path / "c", "hellO");
    // XXH3_128bits of the empty input (xxhash's published test vector).
    CHECK(xxh3_128_file(dir.path / "empty") == "99aa06d3014798d86001c324468d497f");
    CHECK(xxh3_128_file(dir.path / "a").size() == 32);
    CHECK(xxh3_128_file(dir.path / "a") == xxh3_128_file(dir.path / "b"));
    CHECK(xxh3_128_file(dir.path / "a") != xxh3_128_file(dir.path / "c"));
    CHECK_THROWS_AS(xxh3_128_file(dir.path / "missing"), Error);
}

TEST_CASE("scan_payload lists regular files sorted, with sizes, skipping links and directories") {
    TempDir dir;
    write(dir.path / "z.dat", "12345");
    write(dir.path / "base/1/1259", std::string(8192, 'x'));
    stdfs::create_directories(dir.path / "empty_dir");
    stdfs::create_symlink("z.dat", dir.path / "link");
    auto files = scan_payload(dir.path);
    REQUIRE(files.size() == 2);
    CHECK(files[0].path == "base/1/1259");
    CHECK(files[0].size == 8192);
    CHECK(files[1].path == "z.dat");
    CHECK(files[1].size == 5);
    CHECK(files[1].xxh3_128 == xxh3_128_file(dir.path / "z.dat"));
}
