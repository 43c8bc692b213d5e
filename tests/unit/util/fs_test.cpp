// File-system helpers: atomic writes, private directories, tree size and removal.
#include "support/temp_dir.hpp"

#include <dspace/core/error.hpp>
#include <dspace/core/fs.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <sys/stat.h>

namespace fs = dspace::fs;

namespace {
unsigned mode_of(const std::filesystem::path &path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}
} // namespace

TEST_CASE("fs: write_file_atomic replaces the content, keeps the mode and leaves no temp file", "[fs]") {
    dspace_test::TempDir dir;
    auto file = dir.path() / "state.json";
    fs::write_file_atomic(file, "old");
    fs::write_file_atomic(file, "new", 0640);
    CHECK(fs::read_file(file) == "new");
    CHECK(mode_of(file) == 0640);
    size_t entries = 0;
    for (const auto &entry : std::filesystem::directory_iterator(dir.path())) entries += entry.is_regular_file() ? 1 : 0;
    CHECK(entries == 1);
}

TEST_CASE("fs: errors name the file", "[fs]") {
    dspace_test::TempDir dir;
    auto missing = dir.path() / "no" / "such.json";
    CHECK_THROWS_WITH(fs::read_file(missing), Catch::Contains(missing.string()));
    CHECK_THROWS_WITH(fs::write_file_atomic(missing, "x"), Catch::Contains(missing.string()));
}

TEST_CASE("fs: make_private_dir creates parents with the mode and keeps an existing directory's mode", "[fs]") {
    dspace_test::TempDir dir;
    auto deep = dir.path() / "a" / "b" / "c";
    fs::make_private_dir(deep);
    CHECK(std::filesystem::is_directory(deep));
    CHECK(mode_of(deep) == 0700);
    std::filesystem::permissions(deep, std::filesystem::perms(0711));
    fs::make_private_dir(deep); // existing: left as the user set it
    CHECK(mode_of(deep) == 0711);
}

TEST_CASE("fs: tree_size counts allocated bytes and remove_tree deletes everything", "[fs]") {
    dspace_test::TempDir dir;
    auto root = dir.path() / "tree";
    fs::make_private_dir(root / "sub");
    fs::write_file_atomic(root / "sub" / "f", std::string(100000, 'x'));
    CHECK(fs::tree_size(root) >= 100000);
    fs::remove_tree(root);
    CHECK_FALSE(std::filesystem::exists(root));
    CHECK_NOTHROW(fs::remove_tree(root)); // already gone
}

TEST_CASE("fs: rename_durable moves a file", "[fs]") {
    dspace_test::TempDir dir;
    fs::write_file_atomic(dir.path() / "a", "x");
    fs::rename_durable(dir.path() / "a", dir.path() / "b");
    CHECK_FALSE(std::filesystem::exists(dir.path() / "a"));
    CHECK(fs::read_file(dir.path() / "b") == "x");
}

TEST_CASE("fs: remove_tree never follows a symbolic link, at the root or below it", "[fs]") {
    dspace_test::TempDir dir, outside;
    std::ofstream(outside.path() / "precious") << "keep";
    std::filesystem::create_directories(dir.path() / "tree" / "sub");
    std::filesystem::create_directory_symlink(outside.path(), dir.path() / "tree" / "sub" / "link");
    std::filesystem::create_directory_symlink(outside.path(), dir.path() / "root-link");
    fs::remove_tree(dir.path() / "tree");
    fs::remove_tree(dir.path() / "root-link");
    CHECK_FALSE(std::filesystem::exists(std::filesystem::symlink_status(dir.path() / "tree")));
    CHECK_FALSE(std::filesystem::exists(std::filesystem::symlink_status(dir.path() / "root-link")));
    CHECK(std::filesystem::exists(outside.path() / "precious"));
    CHECK_NOTHROW(fs::remove_tree(dir.path() / "missing"));
    CHECK_THROWS_AS(fs::remove_tree(dir.path() / ".." / "x"), dspace::Error);
}

TEST_CASE("fs: make_private_dir refuses a symbolic link instead of creating through it", "[fs]") {
    dspace_test::TempDir dir, outside;
    std::filesystem::create_directory_symlink(outside.path(), dir.path() / "link");
    CHECK_THROWS_AS(fs::make_private_dir(dir.path() / "link"), dspace::Error);
    CHECK(fs::is_real_dir(dir.path()));
    CHECK_FALSE(fs::is_real_dir(dir.path() / "link"));
}
