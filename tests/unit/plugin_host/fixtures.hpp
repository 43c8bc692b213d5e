// Where the fixture plugins of tests/fixtures/plugins are built.
#pragma once

#include <filesystem>
#include <string>

namespace dspace_test {

//! The directory holding every fixture together.
inline std::filesystem::path all_fixtures_dir() { return std::filesystem::path(DSPACE_TEST_FIXTURE_DIR) / "all"; }

//! The directory holding only fixture case (good, bad_magic, …).
inline std::filesystem::path fixture_dir(const std::string &fixture_case) {
    return std::filesystem::path(DSPACE_TEST_FIXTURE_DIR) / fixture_case;
}

//! The file of fixture case, built as dspace_<kind>_fixture_<case><suffix>.
inline std::filesystem::path fixture_file(const std::string &fixture_case, const std::string &kind = "migrator") {
    return fixture_dir(fixture_case) /
           ("dspace_" + kind + "_fixture_" + fixture_case + ".so");
}

} // namespace dspace_test
