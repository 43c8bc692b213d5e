// file:///path destinations (internal to core/src/storage).
#pragma once

#include <dspace/core/storage.hpp>

#include <functional>

namespace dspace {

//! Objects as files below a directory of the local file system.
class PosixStorage final : public Storage {
public:
    //! url as the user wrote it; root: the directory it names.
    PosixStorage(std::string url, std::filesystem::path root);
    std::string url() const override { return url_; }
    void put_file(const std::string &key, const std::filesystem::path &file) override;
    void put_bytes(const std::string &key, std::string_view bytes) override;
    void get_file(const std::string &key, const std::filesystem::path &file) override;
    std::string get_bytes(const std::string &key) override;
    std::optional<std::uint64_t> head(const std::string &key) override;
    std::vector<StoredObject> list(const std::string &prefix) override;
    std::vector<StoredObject> list_leftovers() override;
    //! Also removes the directories it left empty, up to (not including) the root; refuses a key whose directory
    //! path goes through a symbolic link.
    void remove(const std::string &key) override;

private:
    //! The file of key (validated).
    std::filesystem::path path_of(const std::string &key) const;
    //! path_of(key) with its parent directories created.
    std::filesystem::path writable_path_of(const std::string &key) const;
    //! Runs write on path_of(key) with its directories created (again when a removal pruned them in between).
    void put(const std::string &key, const std::function<void(const std::filesystem::path &)> &write);
    //! Every regular file below the root whose key starts with prefix and that is (leftovers) or is not a temp file.
    std::vector<StoredObject> files(const std::string &prefix, bool leftovers);
    std::string url_;
    std::filesystem::path root_;
};

} // namespace dspace
