#include <unicode/uchar.h>

#include <catch2/catch.hpp>
#include <docpipe/sdk/text.hpp>

using namespace docpipe::sdk;

TEST_CASE("display width counts wide and full-width characters as two columns") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("自然人") == 6);
  CHECK(display_width("（一）") == 6);
  CHECK(display_width("１２") == 4);
  CHECK(display_width("“") == 1);  // East Asian Width A counts 1
}

TEST_CASE("a single space between Han characters or CJK punctuation is removed") {
  CHECK(remove_cjk_spaces("自 然 人") == "自然人");
  CHECK(remove_cjk_spaces("申 请数量") == "申请数量");
  CHECK(remove_cjk_spaces("危及“三 安全一 稳定”") == "危及“三安全一稳定”");
}

TEST_CASE("runs of spaces and spaces next to digits or Latin stay") {
  CHECK(remove_cjk_spaces("信   息") == "信   息");
  CHECK(remove_cjk_spaces("2020 年") == "2020 年");
  CHECK(remove_cjk_spaces("国务院令 711 号") == "国务院令 711 号");
  CHECK(remove_cjk_spaces("1. 属于") == "1. 属于");
}

TEST_CASE("blank means only white space, including NBSP, EN SPACE and U+3000") {
  CHECK(is_blank(""));
  CHECK(is_blank("   "));
  CHECK(is_blank("\u00a0\u2002\u3000"));
  CHECK_FALSE(is_blank("0"));
  CHECK(trim("\u3000 12 \u00a0") == "12");
}

TEST_CASE("lines split on LF, a final newline adds no empty line") {
  auto l = split_lines("a\n\nb\n");
  REQUIRE(l.size() == 3);
  CHECK(l[1].empty());
  CHECK(l[2] == "b");
}

TEST_CASE("numbered section headings of the official reports have a level") {
  CHECK(numbered_heading_level("一、总体情况") == 1);
  CHECK(numbered_heading_level("（二）主动公开情况") == 2);
  CHECK(numbered_heading_level("(五)加大监督指导力度") == 2);
  CHECK(numbered_heading_level("二十、其他") == 1);
  CHECK(numbered_heading_level("三．收到和处理政府信息公开申请情况") == 1);
  CHECK(numbered_heading_level("四.存在的主要问题") == 1);
  CHECK(numbered_heading_level("五：其他") == 0);
  CHECK(numbered_heading_level("2020年，我办认真落实条例。") == 0);
  CHECK(numbered_heading_level("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）") == 0);
  CHECK(numbered_heading_level("一、" + std::string(120, 'x')) == 0);  // a numbered paragraph, not a heading
}

// char_width and is_space answer from a table built once from ICU: every
// code point must get exactly ICU's answer (UAX #11 width, White_Space).
TEST_CASE("char width and is_space agree with ICU for every code point") {
  size_t mismatches = 0;
  for (UChar32 c = 0; c <= 0x10FFFF; ++c) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;  // surrogates are no characters
    int want = 1;
    const int8_t cat = static_cast<int8_t>(u_charType(c));
    const int eaw = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
    if (c == 0x200B || c == 0x200C || c == 0x200D || c == 0xFEFF || cat == U_NON_SPACING_MARK ||
        cat == U_ENCLOSING_MARK)
      want = 0;
    else if (eaw == U_EA_WIDE || eaw == U_EA_FULLWIDTH)
      want = 2;
    const bool space = u_isUWhiteSpace(c) || c == 0xFEFF;
    mismatches += char_width(static_cast<char32_t>(c)) != want;
    mismatches += is_space(static_cast<char32_t>(c)) != space;
  }
  CHECK(mismatches == 0);
  CHECK(char_width(U'自') == 2);
  CHECK(char_width(U'\u0301') == 0);  // combining acute
  CHECK(is_space(U'\u3000'));
  CHECK(display_width("a\u0301自\xF0\xA0\x80\x80") == 1 + 0 + 2 + 2);  // U+20000 is wide
  CHECK(display_width("\xFF") == 1);                                   // a broken byte counts as U+FFFD
}
