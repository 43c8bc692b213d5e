// Reading a plugin file's dynamic symbol table without loading it (so none of its code runs).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace dspace::plugin_loader {

//! What the dynamic symbol table of a file says about one symbol.
enum class ElfLookup {
    exported,            //!< the file is a native shared object that defines and exports the symbol
    missing,             //!< a native shared object without that exported symbol
    not_shared_object,   //!< not an ELF shared object (or unreadable, or truncated)
    other_platform,      //!< an ELF shared object for another word size, byte order or machine
};

//! The outcome of find_exported_symbol: the verdict and, unless exported or missing, what was found.
struct ElfLookupResult {
    ElfLookup verdict = ElfLookup::not_shared_object;
    std::string found; //!< e.g. "it does not start with an ELF header"
};

//! Looks symbol up in file's .dynsym (what dlsym sees; present even in stripped files).
ElfLookupResult find_exported_symbol(const std::filesystem::path &file, std::string_view symbol);

} // namespace dspace::plugin_loader
