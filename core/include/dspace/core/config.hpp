// The user configuration ($DSPACE_HOME/config.json), addressed by dotted keys.
#pragma once

#include <dspace/sdk/host.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dspace {

//! config.json: nested JSON objects, read and written by dotted key ("snapshots.default_snapshotter").
class Config final : public sdk::ConfigView {
public:
    //! An empty configuration bound to path (nothing is read yet).
    explicit Config(std::filesystem::path path);
    ~Config() override;
    //! Reads the file if it exists; throws Error naming the file when it is not valid JSON, and naming the key
    //! when a known key or section has the wrong type (`{"snapshots": 5}`).
    void load();
    //! Writes the file atomically (0600).
    void save() const;
    //! The configuration written by `dspace setup` on a new home.
    static std::string default_text();

    std::optional<std::string> get(std::string_view key) const override;
    //! Sets key; value is parsed as JSON when it is valid JSON (number, true, [..]), else stored as a string.
    //! A known key (config_keys.hpp) must get a value of its type (UsageError); other keys are not checked.
    void set(std::string_view key, std::string_view value);
    //! set() for `dspace config set`: throws UsageError for an unknown key (with a "did you mean") or a value of
    //! the wrong type; a text key stores value as text even when it looks like JSON.
    void set_checked(std::string_view key, std::string_view value);
    //! Removes key; false when it was not set.
    bool unset(std::string_view key);
    //! Every leaf as (dotted key, value as text), sorted by key.
    std::vector<std::pair<std::string, std::string>> list() const;
    //! The whole configuration as pretty JSON.
    std::string to_json() const;
    //! A string-array value (e.g. plugins.search_paths); empty when unset.
    std::vector<std::string> get_list(std::string_view key) const;

private:
    //! Sets key to value (as text when as_text, else parsed as set() says), checking a known key's type.
    void put(std::string_view key, std::string_view value, bool as_text);
    struct Impl;
    std::filesystem::path path_;
    std::unique_ptr<Impl> impl_;
};

} // namespace dspace
