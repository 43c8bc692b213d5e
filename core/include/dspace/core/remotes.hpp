// Named storage destinations ("remotes") kept in config.json as remotes.<name>.url; storage.default_remote names
// the one push and pull use without --to / a remote argument. Credentials are never part of them.
#pragma once

#include <dspace/core/config.hpp>

#include <string>
#include <vector>

namespace dspace {

//! One named destination.
struct Remote {
    std::string name; //!< e.g. "team"
    std::string url;  //!< file:///path or s3://bucket/prefix
};

//! Every remote config holds, sorted by name.
std::vector<Remote> list_remotes(const Config &config);
//! Adds remote name (a valid name) with url (a valid destination URL); throws Error when name exists.
void add_remote(Config &config, const std::string &name, const std::string &url);
//! Removes remote name (and storage.default_remote when it named it); throws Error when it does not exist.
void remove_remote(Config &config, const std::string &name);
//! The remote called name, or storage.default_remote when name is empty; throws Error naming what is missing.
Remote find_remote(const Config &config, const std::string &name);

} // namespace dspace
