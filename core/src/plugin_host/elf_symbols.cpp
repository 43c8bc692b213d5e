#include "elf_symbols.hpp"

#include <bit>
#include <cstring>
#include <elf.h>
#include <fstream>
#include <link.h>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dspace::plugin_loader {

namespace {

using Ehdr = ElfW(Ehdr);
using Shdr = ElfW(Shdr);
using Sym = ElfW(Sym);

//! Reads size bytes at offset; nullopt when the file is shorter.
std::optional<std::vector<char>> read_at(std::ifstream &in, std::uint64_t offset, std::uint64_t size) {
    constexpr std::uint64_t limit = std::uint64_t{1} << 30; // no section of a plugin is a gigabyte
    if (size > limit) return std::nullopt;
    std::vector<char> bytes(static_cast<std::size_t>(size));
    in.clear();
    in.seekg(static_cast<std::streamoff>(offset));
    if (size > 0 && !in.read(bytes.data(), static_cast<std::streamsize>(size))) return std::nullopt;
    return bytes;
}

//! The e_machine of the running program, to compare plugins against.
std::uint16_t own_machine() {
    static const std::uint16_t machine = [] {
        std::ifstream self("/proc/self/exe", std::ios::binary);
        Ehdr header{};
        self.read(reinterpret_cast<char *>(&header), sizeof header);
        return self ? header.e_machine : std::uint16_t{EM_NONE};
    }();
    return machine;
}

ElfLookupResult result(ElfLookup verdict, std::string found = {}) { return {verdict, std::move(found)}; }

} // namespace

ElfLookupResult find_exported_symbol(const std::filesystem::path &file, std::string_view symbol) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return result(ElfLookup::not_shared_object, "it cannot be opened for reading");
    auto head = read_at(in, 0, EI_NIDENT);
    if (!head) return result(ElfLookup::not_shared_object, "the file is too short for an ELF header");
    if (std::memcmp(head->data(), ELFMAG, SELFMAG) != 0)
        return result(ElfLookup::not_shared_object, "it does not start with an ELF header");
    const unsigned char word_size = static_cast<unsigned char>((*head)[EI_CLASS]);
    const unsigned char byte_order = static_cast<unsigned char>((*head)[EI_DATA]);
    const unsigned char native_order = (std::endian::native == std::endian::little) ? ELFDATA2LSB : ELFDATA2MSB;
    if (word_size != (__ELF_NATIVE_CLASS == 64 ? ELFCLASS64 : ELFCLASS32) || byte_order != native_order)
        return result(ElfLookup::other_platform, "it is an ELF file for another word size or byte order");

    auto header_bytes = read_at(in, 0, sizeof(Ehdr));
    if (!header_bytes) return result(ElfLookup::not_shared_object, "the ELF header is truncated");
    Ehdr header{};
    std::memcpy(&header, header_bytes->data(), sizeof header);
    if (header.e_type != ET_DYN) return result(ElfLookup::not_shared_object, "it is an ELF file but not a shared object");
    if (header.e_machine != own_machine())
        return result(ElfLookup::other_platform, "it is built for ELF machine " + std::to_string(header.e_machine) +
                                                     ", this dspace for " + std::to_string(own_machine()));
    if (header.e_shentsize != sizeof(Shdr) || header.e_shnum == 0)
        return result(ElfLookup::not_shared_object, "it has no section headers to find its symbols in");

    auto section_bytes = read_at(in, header.e_shoff, std::uint64_t{header.e_shnum} * sizeof(Shdr));
    if (!section_bytes) return result(ElfLookup::not_shared_object, "its section headers are truncated");
    std::vector<Shdr> sections(header.e_shnum);
    std::memcpy(sections.data(), section_bytes->data(), section_bytes->size());

    for (const Shdr &section : sections) {
        if (section.sh_type != SHT_DYNSYM || section.sh_link >= sections.size()) continue;
        const Shdr &names_section = sections[section.sh_link];
        auto symbols = read_at(in, section.sh_offset, section.sh_size);
        auto names = read_at(in, names_section.sh_offset, names_section.sh_size);
        if (!symbols || !names) return result(ElfLookup::not_shared_object, "its dynamic symbol table is truncated");
        for (std::size_t at = 0; at + sizeof(Sym) <= symbols->size(); at += sizeof(Sym)) {
            Sym sym{};
            std::memcpy(&sym, symbols->data() + at, sizeof sym);
            if (sym.st_name >= names->size() || sym.st_shndx == SHN_UNDEF) continue;
            const int binding = ELF64_ST_BIND(sym.st_info);
            if ((binding != STB_GLOBAL && binding != STB_WEAK) || ELF64_ST_VISIBILITY(sym.st_other) != STV_DEFAULT) continue;
            const char *name = names->data() + sym.st_name;
            if (std::string_view(name, strnlen(name, names->size() - sym.st_name)) == symbol) return result(ElfLookup::exported);
        }
    }
    return result(ElfLookup::missing);
}

} // namespace dspace::plugin_loader
