// DSPACE_PLUGIN(...) checks at compile time that its NAME and KINDS agree with what dspace_add_plugin passed.
#include "support/temp_dir.hpp"

#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>

#include <fstream>

using Catch::Matchers::Contains;

namespace {

//! Compiles (syntax only) a plugin declaring DSPACE_PLUGIN(declared, ..., kinds, ...) with the definitions
//! dspace_add_plugin gives a plugin called cmake_name of kind cmake_kind; returns the compiler's stderr, or "ok".
std::string compile_plugin(const std::string &declared, const std::string &kinds, const std::string &cmake_name,
                           const std::string &cmake_kind) {
    dspace_test::TempDir dir{"dspace-macro-test-", 0700};
    std::filesystem::path source = dir.path() / "plugin.cpp";
    std::ofstream(source) << "#include <dspace/sdk/plugin.hpp>\n"
                             "static void register_fn(dspace::sdk::Registrar &) {}\n"
                             "DSPACE_PLUGIN(" << declared << ", \"1.0\", " << kinds << ", register_fn)\n";
    dspace::sdk::Command command;
    command.argv = {DSPACE_TEST_CXX_COMPILER, "-std=c++20", "-fsyntax-only", "-I", DSPACE_TEST_SOURCE_DIR "/sdk/include",
                    "-DDSPACE_PLUGIN_BUILD_NAME=\"" + cmake_name + "\"", "-DDSPACE_PLUGIN_BUILD_KIND=" + cmake_kind,
                    source.string()};
    command.timeout = std::chrono::seconds(120);
    dspace::ProcessRunnerImpl runner(nullptr);
    auto ran = runner.run(command);
    REQUIRE(ran.ok());
    return ran->succeeded() ? "ok" : ran->err;
}

} // namespace

TEST_CASE("DSPACE_PLUGIN must declare the name and kind given to dspace_add_plugin", "[plugin_host][macro]") {
    CHECK(compile_plugin("redis", "DSPACE_KIND_FLAVOUR", "redis", "DSPACE_KIND_FLAVOUR") == "ok");
    CHECK_THAT(compile_plugin("rediss", "DSPACE_KIND_FLAVOUR", "redis", "DSPACE_KIND_FLAVOUR"),
               Contains("differs from the NAME given to dspace_add_plugin"));
    CHECK_THAT(compile_plugin("redis", "DSPACE_KIND_MIGRATOR", "redis", "DSPACE_KIND_FLAVOUR"),
               Contains("do not include the KIND given to dspace_add_plugin"));
}
