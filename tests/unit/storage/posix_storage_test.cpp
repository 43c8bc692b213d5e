// file:// storage listings over a real directory: sizes, modification times, and temporary files kept apart.
#include "support/temp_dir.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/storage.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>

using dspace_test::TempDir;
namespace stdfs = std::filesystem;

TEST_CASE("file:// listings report modification times and keep killed puts' temporary files apart", "[storage]") {
    TempDir root("dspace-storage-");
    auto storage = dspace::open_storage("file://" + root.path().string());
    storage->put_bytes("packs/ab/one.pack", "12345");
    std::ofstream(root.path() / "packs/ab/.two.pack.tmp.4242") << "partial";       // a killed put_file
    std::ofstream(root.path() / "packs/ab/three.idx.tmp-9f8e7d") << "partial";     // a killed put_bytes
    auto then = stdfs::file_time_type::clock::now() - std::chrono::hours(3);
    stdfs::last_write_time(root.path() / "packs/ab/one.pack", then);

    auto objects = storage->list("packs/");
    REQUIRE(objects.size() == 1);
    CHECK(objects[0].key == "packs/ab/one.pack");
    CHECK(objects[0].size_bytes == 5);
    std::int64_t age = std::int64_t(std::time(nullptr)) - objects[0].modified_unix;
    CHECK(age >= 3 * 3600 - 5);
    CHECK(age <= 3 * 3600 + 5);

    auto leftovers = storage->list_leftovers();
    REQUIRE(leftovers.size() == 2);
    CHECK(leftovers[0].key == "packs/ab/.two.pack.tmp.4242");
    CHECK(leftovers[1].key == "packs/ab/three.idx.tmp-9f8e7d");
    CHECK(std::int64_t(std::time(nullptr)) - leftovers[0].modified_unix < 60);
    storage->remove(leftovers[0].key);
    CHECK_FALSE(stdfs::exists(root.path() / "packs/ab/.two.pack.tmp.4242"));
}

TEST_CASE("file:// removal prunes the directories it empties, never the root, never through a symbolic link", "[storage]") {
    TempDir root("dspace-storage-"), outside("dspace-outside-");
    auto storage = dspace::open_storage("file://" + root.path().string());
    storage->put_bytes("packs/ab/one.pack", "1");
    storage->put_bytes("packs/cd/two.pack", "2");
    storage->put_bytes("snapshots/app/s1/payload/base/1", "3");
    storage->put_bytes("top.json", "4");

    storage->remove("packs/ab/one.pack");
    CHECK_FALSE(stdfs::exists(root.path() / "packs/ab"));
    CHECK(stdfs::exists(root.path() / "packs/cd/two.pack")); // packs/ still holds cd/
    storage->remove("snapshots/app/s1/payload/base/1");
    CHECK_FALSE(stdfs::exists(root.path() / "snapshots"));
    storage->remove("packs/cd/two.pack");
    storage->remove("top.json");
    CHECK(stdfs::is_directory(root.path()));
    CHECK(stdfs::is_empty(root.path()));
    storage->remove("packs/cd/two.pack"); // gone, directory and all: no error
    storage->put_bytes("packs/cd/two.pack", "2"); // the pruned directories are made again
    CHECK(storage->get_bytes("packs/cd/two.pack") == "2");

    stdfs::create_directories(outside.path() / "sub");
    std::ofstream(outside.path() / "sub/obj") << "outside";
    stdfs::create_directory_symlink(outside.path(), root.path() / "link");
    CHECK_THROWS_AS(storage->remove("link/sub/obj"), dspace::Error);
    CHECK(stdfs::exists(outside.path() / "sub/obj"));
    CHECK(stdfs::is_symlink(root.path() / "link"));
}
