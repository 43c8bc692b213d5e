#include <dspace/core/printable.hpp>

#include <catch2/catch.hpp>

using dspace::printable;

TEST_CASE("printable keeps valid UTF-8 and escapes broken bytes", "[printable]") {
    CHECK(printable("plain-name_1") == "plain-name_1");
    CHECK(printable("caf\xC3\xA9 \xE2\x82\xAC") == "caf\xC3\xA9 \xE2\x82\xAC"); // é and €
    CHECK(printable("a\xFF" "b") == "a\\xFFb");
    CHECK(printable("\xC3") == "\\xC3");               // truncated sequence
    CHECK(printable("\xC0\xAF") == "\\xC0\\xAF");      // overlong encoding of '/'
    CHECK(printable("\xED\xA0\x80") == "\\xED\\xA0\\x80"); // a UTF-16 surrogate
}

TEST_CASE("printable escapes control characters but keeps newline and tab", "[printable]") {
    CHECK(printable("red\x1B[31m") == "red\\x1B[31m");
    CHECK(printable("line\nnext\tcol") == "line\nnext\tcol");
}
