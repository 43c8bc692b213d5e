// Element texts of S3's XML answers.
#include "xml_text.hpp"

namespace dspace {

namespace {

std::string decoded(std::string_view text) {
    static const std::pair<std::string_view, char> entities[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        bool replaced = false;
        for (const auto &[entity, c] : entities)
            if (text.substr(i, entity.size()) == entity) {
                out += c;
                i += entity.size();
                replaced = true;
                break;
            }
        if (!replaced) out += text[i++];
    }
    return out;
}

} // namespace

std::vector<std::string> xml_texts(std::string_view xml, const std::string &tag) {
    std::vector<std::string> texts;
    std::string open = "<" + tag + ">", close = "</" + tag + ">";
    for (std::size_t at = xml.find(open); at != std::string_view::npos; at = xml.find(open, at)) {
        std::size_t begin = at + open.size();
        std::size_t end = xml.find(close, begin);
        if (end == std::string_view::npos) break;
        texts.push_back(decoded(xml.substr(begin, end - begin)));
        at = end + close.size();
    }
    return texts;
}

std::string xml_text(std::string_view xml, const std::string &tag) {
    auto texts = xml_texts(xml, tag);
    return texts.empty() ? "" : texts.front();
}

} // namespace dspace
