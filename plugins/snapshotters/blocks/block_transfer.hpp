// Copying blocks in and out of the block store for push and pull (the BlockTransfer capability's logic).
#pragma once

#include <dspace/sdk/snapshotter_capabilities.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace dspace::blocks {

//! Every stored block the payload at payload_dir uses, each once, in the order first used.
std::vector<sdk::BlockRef> payload_block_refs(const std::string &payload_dir);
//! The blocks of wanted the store at store_root lacks, in wanted's order.
std::vector<sdk::BlockRef> missing_block_refs(const std::string &store_root, const std::vector<sdk::BlockRef> &wanted);
//! Reads each block from the store, checked against its id, and gives it to sink; a failing sink throws BlockError.
void read_block_refs(const std::string &store_root, const std::vector<sdk::BlockRef> &blocks, const sdk::BlockSink &sink);
//! Adds the blocks next supplies, each checked against its id, in one new pack committed at the end (none on failure);
//! returns the bytes added.
std::uint64_t add_block_refs(const std::string &store_root, const sdk::BlockSource &next);

} // namespace dspace::blocks
