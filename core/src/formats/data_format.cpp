#include <dspace/core/data_format.hpp>
#include <dspace/core/error.hpp>

namespace dspace {

const char *to_string(DataFormat format) {
    switch (format) {
    case DataFormat::pgdata: return "pgdata";
    case DataFormat::tar: return "tar";
    case DataFormat::dump: return "dump";
    }
    return "?";
}

DataFormat parse_data_format(const std::string &text) {
    for (DataFormat format : {DataFormat::pgdata, DataFormat::tar, DataFormat::dump})
        if (text == to_string(format)) return format;
    throw UsageError("unknown format '" + text + "'", "use --format pgdata (a data directory), tar or dump");
}

} // namespace dspace
