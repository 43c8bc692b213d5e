// The block engine's hashing thread: jobs run off the caller's thread, one at a time, and what a job throws
// reaches the caller's wait().
#include "block_hash.hpp"
#include "hash_worker.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace dspace::blocks;

TEST_CASE("blocks: the hash worker runs each job once, overlapping the caller, and wait() returns after it", "[blocks]") {
    HashWorker worker;
    std::vector<unsigned char> block(8192, 7);
    std::vector<BlockId> ids(64);
    std::thread::id ran_on;
    for (std::size_t round = 0; round < ids.size(); ++round) {
        block[0] = static_cast<unsigned char>(round);
        worker.start([&, round] {
            ids[round] = sha256(block.data(), block.size());
            ran_on = std::this_thread::get_id();
        });
        worker.wait(); // the block changes in the next round: the job must have read it
        REQUIRE(ids[round] == sha256(block.data(), block.size()));
    }
    if (std::thread::hardware_concurrency() > 1) CHECK(ran_on != std::this_thread::get_id());
    else WARN("one CPU: jobs run on the caller's thread");
}

TEST_CASE("blocks: what a hash worker's job throws is rethrown by wait(), once, and the worker goes on", "[blocks]") {
    HashWorker worker;
    worker.start([] { throw std::runtime_error("the job failed"); });
    REQUIRE_THROWS_WITH(worker.wait(), "the job failed");
    REQUIRE_NOTHROW(worker.wait());
    int runs = 0;
    worker.start([&] { ++runs; });
    worker.wait();
    REQUIRE(runs == 1);
}

TEST_CASE("blocks: a hash worker destroyed while its job runs waits for the job", "[blocks]") {
    bool finished = false;
    {
        HashWorker worker;
        worker.start([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            finished = true;
        });
    }
    REQUIRE(finished);
}
