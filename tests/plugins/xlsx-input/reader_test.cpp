// Numbers as the spreadsheet shows them.
#include "reader.hpp"

#include <catch2/catch.hpp>

using docpipe::xlsx_input::format_number;

TEST_CASE("General: the stored number, at most 11 significant digits") {
  CHECK(format_number("5", "General") == "5");
  CHECK(format_number("0", "General") == "0");
  CHECK(format_number("-2", "General") == "-2");
  CHECK(format_number("0.35", "General") == "0.35");
  CHECK(format_number("452.8339", "General") == "452.8339");
  CHECK(format_number("0.30000000000000004", "General") == "0.3");
  CHECK(format_number("12.0", "General") == "12");  // a number 12.0 shows as 12; "12.0" as text stays text
  CHECK(format_number("1e-20", "General") == "1e-20");
}

TEST_CASE("fixed decimals, thousands, percent, as the format code says") {
  CHECK(format_number("452.8339", "0.0000") == "452.8339");
  CHECK(format_number("0.35", "0.00") == "0.35");
  CHECK(format_number("3.5", "0.00") == "3.50");
  CHECK(format_number("1234", "#,##0") == "1,234");
  CHECK(format_number("1234567.5", "#,##0.00") == "1,234,567.50");
  CHECK(format_number("-1234", "#,##0") == "-1,234");
  CHECK(format_number("0.125", "0.0%") == "12.5%");
  CHECK(format_number("7", "0") == "7");
  CHECK(format_number("-0.0001", "0.00") == "0.00");
  // Colours and the other sections do not change the digits; literal text
  // is left out (Excel would show 12件: a limit stated in the README).
  CHECK(format_number("12", "[Red]#,##0;[Blue]-#,##0") == "12");
  CHECK(format_number("12", "0\"件\"") == "12");
  // Dates and text formats fall back to the number itself.
  CHECK(format_number("44197", "yyyy-mm-dd") == "44197");
  CHECK(format_number("12", "@") == "12");
  // Not a number: as stored.
  CHECK(format_number("abc", "0.00") == "abc");
}
