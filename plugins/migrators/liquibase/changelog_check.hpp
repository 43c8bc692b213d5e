// Checks a Liquibase XML changelog with pugixml before Liquibase runs: a malformed one is refused with its
// file and line. Header-only (the plugin and its unit test include it).
#pragma once

#include <dspace/sdk/status.hpp>

#include <pugixml.hpp>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace dspace::migrators {

//! The 1-based line of byte offset in text.
inline long line_of_offset(const std::string &text, std::ptrdiff_t offset) {
    long line = 1;
    for (std::ptrdiff_t i = 0; i < offset && i < static_cast<std::ptrdiff_t>(text.size()); ++i)
        if (text[static_cast<size_t>(i)] == '\n') ++line;
    return line;
}

//! The changeset ids of an XML changelog, in file order; a failure naming file and line when it does not parse.
inline sdk::Result<std::vector<std::string>> xml_changesets(const std::string &file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return sdk::Status::failure("cannot read the changelog " + file, "check that it exists and is readable");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    pugi::xml_document doc;
    pugi::xml_parse_result parsed = doc.load_buffer(text.data(), text.size());
    if (!parsed)
        return sdk::Status::failure("the changelog " + file + " does not parse: line " + std::to_string(line_of_offset(text, parsed.offset)) +
                                        ": " + parsed.description(),
                                    "fix the XML at that line; nothing was run");
    pugi::xml_node root = doc.document_element();
    if (std::string(root.name()) != "databaseChangeLog")
        return sdk::Status::failure("the changelog " + file + " is not a Liquibase changelog: its root element is <" + root.name() + ">",
                                    "a Liquibase XML changelog's root element is <databaseChangeLog>");
    std::vector<std::string> ids;
    for (pugi::xml_node set : root.children("changeSet")) ids.push_back(set.attribute("id").value());
    return ids;
}

} // namespace dspace::migrators
