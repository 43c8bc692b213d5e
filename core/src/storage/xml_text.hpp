// The little XML reading S3 answers need (internal to core/src/storage).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dspace {

//! The text of every <tag>...</tag> in xml, entities (&amp; &lt; &gt; &quot; &apos;) decoded.
std::vector<std::string> xml_texts(std::string_view xml, const std::string &tag);
//! The text of the first <tag>...</tag> in xml, or "".
std::string xml_text(std::string_view xml, const std::string &tag);

} // namespace dspace
