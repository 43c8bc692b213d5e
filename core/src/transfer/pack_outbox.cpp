#include "pack_outbox.hpp"

#include <dspace/core/fs.hpp>

namespace dspace::transfer {

PackOutbox::PackOutbox(Storage &storage, RemoteIndex &index, const std::filesystem::path &dir)
    : storage_(storage), index_(index), dir_(dir) {
    fs::make_private_dir(dir_);
}

void PackOutbox::flush() {
    std::vector<std::string> journaled;
    for (const auto &entry : std::filesystem::directory_iterator(dir_))
        if (entry.path().extension() == ".idx") journaled.push_back(entry.path().stem().string());
    for (const auto &pack : journaled) send(pack);
    std::vector<std::filesystem::path> leftovers; // packs without index, temporary files: a killed seal
    for (const auto &entry : std::filesystem::directory_iterator(dir_)) leftovers.push_back(entry.path());
    for (const auto &path : leftovers) std::filesystem::remove(path);
}

void PackOutbox::add(const BlockId &id, std::string_view bytes) {
    if (!entries_.empty() && buffer_.size() + bytes.size() > pack_target_bytes) seal();
    entries_.push_back({id, buffer_.size(), std::uint32_t(bytes.size())});
    buffer_.append(bytes);
}

void PackOutbox::finish() {
    if (!entries_.empty()) seal();
    while (!sending_.empty()) wait_for_oldest();
}

void PackOutbox::seal() {
    std::string pack = to_hex(sha256(buffer_));
    fs::write_file_atomic(dir_ / (pack + ".pack"), buffer_);
    fs::write_file_atomic(dir_ / (pack + ".idx"), encode_index(entries_)); // the journal entry: the pack is whole
    buffer_.clear();
    entries_.clear();
    send_in_background(pack);
}

void PackOutbox::send_in_background(const std::string &pack) {
    while (sending_.size() >= parallel_transfers) wait_for_oldest();
    sending_.push_back(std::async(std::launch::async, [this, pack] { send(pack); }));
}

void PackOutbox::wait_for_oldest() {
    std::future<void> oldest = std::move(sending_.front());
    sending_.pop_front();
    oldest.get(); // rethrows the send's failure; the packs still journaled are sent by the next push
}

void PackOutbox::send(const std::string &pack) {
    auto pack_file = dir_ / (pack + ".pack"), index_file = dir_ / (pack + ".idx");
    put_unless_there(pack_key(pack), pack_file);
    put_unless_there(index_key(pack), index_file);
    {
        std::lock_guard<std::mutex> held(index_mutex_);
        index_.add(pack, fs::read_file(index_file));
    }
    std::filesystem::remove(index_file);
    std::filesystem::remove(pack_file);
    fs::fsync_dir(dir_);
}

void PackOutbox::put_unless_there(const std::string &key, const std::filesystem::path &file) {
    auto size = std::filesystem::file_size(file);
    if (storage_.head(key) == size) return; // stored whole by a push killed before it could forget it
    storage_.put_file(key, file);
    bytes_sent_ += size;
}

} // namespace dspace::transfer
