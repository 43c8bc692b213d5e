// Programs connected by pipes (run_pipeline), fed from a thread.
#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>

using namespace dspace;

namespace {

sdk::Command command(std::vector<std::string> argv) {
    sdk::Command c;
    c.argv = std::move(argv);
    return c;
}

} // namespace

TEST_CASE("a pipeline passes each stage's output to the next and feeds the first", "[process]") {
    std::string big(1 << 20, 'x'); // more than a pipe buffer, so the feeder must run beside the readers
    auto ran = run_pipeline({command({"tr", "x", "y"}), command({"wc", "-c"})}, nullptr,
                            [&](int fd) { CHECK(::write(fd, big.data(), big.size()) == static_cast<ssize_t>(big.size())); });
    REQUIRE(ran);
    CHECK(ran->succeeded());
    CHECK(std::stoul(ran->stages.back().out) == big.size());
}

TEST_CASE("a pipeline reports each stage's exit and error output", "[process]") {
    auto ran = run_pipeline({command({"sh", "-c", "echo broken >&2; exit 3"}), command({"cat"})}, nullptr);
    REQUIRE(ran);
    CHECK_FALSE(ran->succeeded());
    CHECK(ran->stages[0].exit_code == 3);
    CHECK(ran->stages[0].err == "broken\n");
    CHECK(ran->stages[1].succeeded());
}

TEST_CASE("a feeder whose reader quits gets an error, not a signal", "[process]") {
    bool write_failed = false;
    auto ran = run_pipeline({command({"true"})}, nullptr, [&](int fd) {
        std::string chunk(65536, 'x');
        for (int i = 0; i < 64 && !write_failed; ++i) write_failed = ::write(fd, chunk.data(), chunk.size()) < 0;
    });
    REQUIRE(ran);
    CHECK(ran->succeeded());
    CHECK(write_failed);
}

TEST_CASE("a pipeline with a missing program fails before running", "[process]") {
    auto ran = run_pipeline({command({"cat"}), command({"no-such-program-dspace"})}, nullptr);
    REQUIRE_FALSE(ran);
    CHECK(ran.status().message().find("no-such-program-dspace") != std::string::npos);
}
