// The label `dspace export` leaves in an exported data directory (and tar): whose data it is, so that
// `dspace create --from` opens the right database and renames the right user. The servers ignore the file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace dspace {

//! The label's file name inside a data directory.
inline constexpr const char *data_label_file = "dspace-data.json";

//! What the label records (never a password).
struct DataLabel {
    std::string flavour;  //!< the flavour the data is of
    std::string version;  //!< the server version that wrote it
    std::string user;     //!< the database user of the space it came from
    std::string database; //!< that space's database
};

//! The label's JSON text.
std::string data_label_json(const DataLabel &label);
//! The label whose JSON is text, when it is readable (an unreadable one is ignored: the data is adopted as foreign).
std::optional<DataLabel> parse_data_label(const std::string &text);

} // namespace dspace
