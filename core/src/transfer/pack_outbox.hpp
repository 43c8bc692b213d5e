// Packs a push builds, journaled locally (<remote state>/outgoing/<pack>.pack, then .idx) until the remote holds
// both: a killed push's packs are finished by the next one without building or sending them again.
#pragma once

#include "remote_index.hpp"
#include "transfer_common.hpp"

#include <dspace/sdk/host.hpp>

#include <atomic>
#include <deque>
#include <filesystem>
#include <future>
#include <mutex>
#include <string>
#include <vector>

namespace dspace::transfer {

//! Groups new blocks into packs of about pack_target_bytes and stores them on the remote, index last, up to
//! parallel_transfers packs at a time.
class PackOutbox {
public:
    //! Journals in dir (created when missing); records what it stores in index.
    PackOutbox(Storage &storage, RemoteIndex &index, const std::filesystem::path &dir);
    //! Stores what a killed push left journaled (a pack the remote already holds whole is not sent again) and
    //! deletes what it left unfinished.
    void flush();
    //! Adds a block (its SHA-256 id) to the pack being built, storing the pack once it is full.
    void add(const BlockId &id, std::string_view bytes);
    //! Stores the pack being built, if any, and waits until every pack is stored; throws the first failure.
    void finish();
    //! Bytes of the objects written to the remote so far.
    std::uint64_t bytes_sent() const { return bytes_sent_; }

private:
    void seal();
    void send_in_background(const std::string &pack);
    void wait_for_oldest();
    void send(const std::string &pack);
    void put_unless_there(const std::string &key, const std::filesystem::path &file);
    Storage &storage_;
    RemoteIndex &index_;
    std::filesystem::path dir_;
    std::string buffer_;
    std::vector<PackEntry> entries_;
    std::atomic<std::uint64_t> bytes_sent_ = 0;
    std::mutex index_mutex_;
    std::deque<std::future<void>> sending_; // oldest first; destroying one waits for its send
};

} // namespace dspace::transfer
