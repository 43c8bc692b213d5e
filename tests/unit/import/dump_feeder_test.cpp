// Feeding dump files to a restore program: gunzip, line filters, completion and truncation.
#include "../../../core/src/import/dump_feeder.hpp"
#include "support/counting_progress.hpp"
#include "support/temp_dir.hpp"

#include <dspace/core/process.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <zlib.h>

using namespace dspace;
using namespace dspace::import;

namespace {

//! What `cat` receives from a feeder of path, and the feeder's verdicts.
struct Fed {
    std::string out, read_error;
    bool complete = false;
    std::uint64_t progress = 0;
};

Fed feed(const std::filesystem::path &path, const Dialect *filter) {
    dspace_test::CountingProgress counted;
    sdk::ProgressTask task(counted, "test", 0);
    DumpFeeder feeder(path, filter, task);
    sdk::Command cat;
    cat.argv = {"cat"};
    auto ran = run_pipeline({cat}, nullptr, [&](int fd) { feeder(fd); });
    REQUIRE(ran);
    return {ran->stages.back().out, feeder.read_error(), feeder.complete(), counted.task("test").advanced};
}

void write_gzip(const std::filesystem::path &path, const std::string &text) {
    gzFile out = gzopen(path.c_str(), "wb");
    gzwrite(out, text.data(), static_cast<unsigned>(text.size()));
    gzclose(out);
}

const std::string pg_dump_text = "-- PostgreSQL database dump\nCREATE TABLE public.t (id int);\nALTER TABLE public.t OWNER TO prod_owner;\n"
                                 "GRANT SELECT ON TABLE public.t TO reporting;\nCOPY public.t (id) FROM stdin;\n1\n\\.\n"
                                 "-- PostgreSQL database dump complete\n";

} // namespace

TEST_CASE("plain dumps are fed without the lines of roles the space lacks", "[import]") {
    dspace_test::TempDir dir("dspace-feeder-");
    auto postgres = make_dialect("postgres", "/usr/bin");
    auto plain = dir.path() / "plain.sql";
    std::ofstream(plain) << pg_dump_text;
    Fed fed = feed(plain, postgres.get());
    CHECK(fed.out == "-- PostgreSQL database dump\nCREATE TABLE public.t (id int);\nCOPY public.t (id) FROM stdin;\n1\n\\.\n"
                     "-- PostgreSQL database dump complete\n");
    CHECK(fed.complete);
    CHECK(fed.read_error.empty());
    CHECK(fed.progress == pg_dump_text.size());

    auto mysql = make_dialect("mysql", "/usr/bin");
    auto my = dir.path() / "my.sql";
    std::ofstream(my) << "-- MariaDB dump\nCREATE DATABASE /*!32312 IF NOT EXISTS*/ `prod`;\nUSE `prod`;\nCREATE TABLE t (id int);\n";
    fed = feed(my, mysql.get());
    CHECK(fed.out == "-- MariaDB dump\nCREATE TABLE t (id int);\n");
    CHECK_FALSE(fed.complete); // no "-- Dump completed" line: truncated
}

TEST_CASE("gzip dumps are fed decompressed; a cut gzip stream is a read error", "[import]") {
    dspace_test::TempDir dir("dspace-feeder-");
    auto postgres = make_dialect("postgres", "/usr/bin");
    auto gz = dir.path() / "plain.sql.gz";
    std::string big = pg_dump_text;
    for (int i = 0; i < 20000; ++i) big.insert(big.find("\\."), std::to_string(i) + "\n");
    write_gzip(gz, big);
    Fed fed = feed(gz, postgres.get());
    CHECK(fed.complete);
    CHECK(fed.out.size() == big.size() - std::string("ALTER TABLE public.t OWNER TO prod_owner;\nGRANT SELECT ON TABLE public.t TO reporting;\n").size());
    CHECK(fed.progress == std::filesystem::file_size(gz));

    std::string compressed;
    {
        std::ifstream in(gz, std::ios::binary);
        compressed.assign(std::istreambuf_iterator<char>(in), {});
    }
    auto cut = dir.path() / "cut.sql.gz";
    std::ofstream(cut, std::ios::binary) << compressed.substr(0, compressed.size() / 2);
    fed = feed(cut, postgres.get());
    CHECK_FALSE(fed.read_error.empty());
}

TEST_CASE("archives are fed byte for byte", "[import]") {
    dspace_test::TempDir dir("dspace-feeder-");
    auto archive = dir.path() / "a.dump";
    std::string bytes("PGDMP\x01\x0e\x00\nALTER TABLE x OWNER TO y;\n", 34);
    std::ofstream(archive, std::ios::binary) << bytes;
    Fed fed = feed(archive, nullptr);
    CHECK(fed.out == bytes);
    CHECK(fed.complete);
}
