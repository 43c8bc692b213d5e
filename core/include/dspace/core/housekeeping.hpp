// What a home keeps besides spaces and snapshots: the template clusters cached for fast creates, and
// temporary files that killed commands left behind.
#pragma once

#include <dspace/core/paths.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dspace {

//! One cached template cluster (cache/templates/<flavour>-<version>) with its ready spare copy.
struct CachedTemplate {
    std::string name;              //!< "<flavour>-<version>", e.g. "postgres-15"
    std::uint64_t size_bytes = 0;  //!< the template and its spare together
    bool has_spare = false;        //!< a spare copy is ready for the next create
};

//! The cached templates, sorted by name.
std::vector<CachedTemplate> cached_templates(const Paths &paths);
//! Removes every cached template and spare (each under its build lock, so no create sees half a template);
//! the next create rebuilds the one it needs. Returns the bytes freed.
std::uint64_t clear_template_cache(const Paths &paths);

//! Something `dspace gc` removed.
struct Freed {
    std::string what;              //!< e.g. "leftover template build cache/templates/.tmp-postgres-15-ab12"
    std::uint64_t size_bytes = 0;  //!< what it took
};
//! Removes temporary files that killed commands left in the cache: template builds and spare refills no
//! process works on any more (their locks are free), and plugin scratch files older than a day.
std::vector<Freed> remove_orphaned_temporaries(const Paths &paths);

} // namespace dspace
