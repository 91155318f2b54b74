#include <unicode/uchar.h>

#include <catch2/catch.hpp>
#include <docpipe/sdk/bytes.hpp>
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

// Issue 14, D2: file names are bytes, shown by one reversible escape.
TEST_CASE("invalid_utf8_at finds the first byte that is not well-formed UTF-8") {
  CHECK(is_utf8(""));
  CHECK(is_utf8("abc 政府信息公开 😀"));
  CHECK(invalid_utf8_at("\xC4\xEA\xB1\xA8.txt") == 0);  // 年报 in GBK
  CHECK(invalid_utf8_at("ab\xE5\xB9") == 2);            // cut short
  CHECK(invalid_utf8_at("a\xC0\xAF") == 1);             // overlong '/'
  CHECK(invalid_utf8_at("\xED\xA0\x80") == 0);          // a surrogate
  CHECK(invalid_utf8_at("\xF4\x90\x80\x80") == 0);      // above U+10FFFF
  CHECK(invalid_utf8_at("ok\xEF\xBF\xBDok\xFF") == 7);  // U+FFFD is fine, 0xFF is not
}

TEST_CASE("escape_bytes shows bytes as valid UTF-8 text and unescape_bytes gets them back") {
  CHECK(escape_bytes("南关区/年报.txt") == "南关区/年报.txt");
  // 年报 in GBK: C4 cannot start a sequence before EA, but EA B1 A8 happens to
  // be well-formed UTF-8 (걨) and is kept: only ill-formed bytes are escaped.
  CHECK(escape_bytes("\xC4\xEA\xB1\xA8.txt") == "\\xC4걨.txt");
  CHECK(escape_bytes("\xD5\xFE\xB8\xAE.txt") == "\\xD5\\xFE\\xB8\\xAE.txt");  // 政府 in GBK
  CHECK(escape_bytes("a\\b") == "a\\\\b");
  CHECK(escape_bytes(std::string("x\x01\ny\x7F", 5)) == "x\\x01\\x0Ay\\x7F");
  CHECK(escape_bytes("\xE5\xB9\xB4\xE5") == "年\\xE5");  // a good character before a cut one
  CHECK(unescape_bytes("\\xC4\\xea\\\\") == std::string("\xC4\xEA\\"));
  CHECK_FALSE(unescape_bytes("a\\b").has_value());
  CHECK_FALSE(unescape_bytes("\\x4").has_value());
  CHECK_FALSE(unescape_bytes("\\").has_value());
  // Every byte string comes back, and its escape is always valid UTF-8.
  uint32_t seed = 12345;
  for (int round = 0; round < 2000; ++round) {
    std::string b;
    const int n = round % 23;
    for (int k = 0; k < n; ++k) {
      seed = seed * 1664525u + 1013904223u;
      const unsigned x = seed >> 24;
      b += static_cast<char>(round % 3 == 0 ? "\\x\xE5\xB9\xB4\xC4\xEA"[x % 7] : x);
    }
    const std::string e = escape_bytes(b);
    INFO(e);
    CHECK(is_utf8(e));
    CHECK(unescape_bytes(e) == b);
  }
}

TEST_CASE("plain_prefix never runs past a byte that may need an escape, at any offset and length") {
  // Chinese text (three-byte characters, high bytes only) with one telling
  // byte put at every offset of texts up to three blocks long.
  const std::string han = "政府信息公开工作年度报告申请人情况";
  for (const bool controls : {false, true})
    for (const char special : {',', '"', '\r', '\n', '&', '\x01', '\x1f', '\t'})
      for (size_t length = 0; length <= 48; ++length)
        for (size_t at = 0; at <= length; ++at) {
          std::string s = han.substr(0, length);
          if (at < length) s[at] = special;
          const size_t got = docpipe::sdk::plain_prefix(s, ',', '"', '\r', '\n', controls);
          const bool telling =
              special == ',' || special == '"' || special == '\r' || special == '\n' || (controls && special < 0x20);
          INFO("length " << length << ", byte " << int(special) << " at " << at << ", controls " << controls);
          CHECK(got <= s.size());
          if (at < length && telling) CHECK(got <= at);
          // Whatever it skips holds no such byte.
          for (size_t k = 0; k < got; ++k) {
            const char ch = s[k];
            CHECK_FALSE((ch == ',' || ch == '"' || ch == '\r' || ch == '\n' || (controls && ch >= 0 && ch < 0x20)));
          }
        }
  // A long plain text is scanned in whole blocks, leaving less than a block.
  const std::string long_text = han + han + han;
  CHECK(long_text.size() - docpipe::sdk::plain_prefix(long_text, ',', '"', '\r', '\n', true) < 16);
}
