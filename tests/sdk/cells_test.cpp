#include <catch2/catch.hpp>
#include <docpipe/sdk/cells.hpp>
#include <docpipe/sdk/text.hpp>

using namespace docpipe::sdk;

TEST_CASE("numbers: separators, full-width digits, signs, decimals, and the raw text is kept") {
  struct Case {
    const char *text, *number;
  };
  for (const Case c : {Case{"0", "0"}, Case{" 12 ", "12"}, Case{"1,234", "1234"}, Case{"１２", "12"},
                       Case{"-14", "-14"}, Case{"+3", "3"}, Case{"－2", "-2"}, Case{"0.35", "0.35"},
                       Case{"7730.28", "7730.28"}, Case{"1 234", "1234"}, Case{"12,345.6", "12345.6"}}) {
    const CellValue v = parse_value(c.text);
    INFO(c.text);
    CHECK(v.state == ValueState::number);
    CHECK(v.number == c.number);
    CHECK(v.raw == trim(c.text));
  }
  CHECK(parse_value("+3").raw == "+3");
  CHECK(parse_value("-14").numeric == -14.0);
  for (const char *text : {"1,23", "12.", ".5", "1.2.3", "=2+2", "2+2", "规章"}) {
    INFO(text);
    CHECK(parse_value(text).state == ValueState::text);
  }
}

TEST_CASE("a unit after the digits is recorded apart, the number stays the one printed") {
  const CellValue yuan = parse_value("251000元");
  CHECK(yuan.state == ValueState::number);
  CHECK(yuan.number == "251000");
  CHECK(yuan.unit == "元");
  CHECK(yuan.raw == "251000元");
  const CellValue wan = parse_value("592万元");
  CHECK(wan.number == "592");
  CHECK(wan.unit == "万元");
  CHECK(parse_value("元").state == ValueState::text);  // a unit alone is a label
  CHECK(parse_value("12.5%").number == "12.5");
  CHECK(parse_value("12.5%").unit == "%");
}

TEST_CASE("placeholders, blanks and text") {
  for (const char *text : {"/", "／", "—", "-", "--", "——", "无", "空", "×", "～", "*", "不适用", "N/A", "\\"}) {
    INFO(text);
    CHECK(parse_value(text).state == ValueState::placeholder);
    CHECK(is_value(text));
  }
  CHECK(parse_value("").state == ValueState::blank);
  CHECK(parse_value("  \t").state == ValueState::blank);
  CHECK(parse_value("  \t").raw.empty());
  CHECK(parse_value("无正当理由").state == ValueState::text);
  CHECK_FALSE(is_value("行政许可"));
}

TEST_CASE("text is told at its first character as the whole rules tell it") {
  // Lines that start as a value would but are not one take the whole path.
  for (const char *text : {"不适用于本机关", "无正当理由", "/ 规章", "12项工作", "-本年", "（一）予以公开"}) {
    INFO(text);
    CHECK(parse_value(text).state == ValueState::text);
  }
  // Values that start with a full-width sign or digit, or after Unicode spaces.
  CHECK(parse_value("＋3").number == "3");
  CHECK(parse_value("\u3000１２\u3000").number == "12");
  CHECK(parse_value("\u00a0-\u00a0").state == ValueState::placeholder);
  CHECK(parse_value("n/a").state == ValueState::placeholder);
}

TEST_CASE("Chinese numerals with 两, 〇, 十 and 百") {
  CHECK(chinese_numeral_value(U"三") == 3);
  CHECK(chinese_numeral_value(U"十") == 10);
  CHECK(chinese_numeral_value(U"十二") == 12);
  CHECK(chinese_numeral_value(U"二十") == 20);
  CHECK(chinese_numeral_value(U"九十九") == 99);
  CHECK(chinese_numeral_value(U"两") == 2);
  CHECK(chinese_numeral_value(U"一百") == 100);
  CHECK(chinese_numeral_value(U"一百零五") == 105);
  CHECK(chinese_numeral_value(U"两百二十") == 220);
  CHECK(chinese_numeral_value(U"一〇五") == 105);
  CHECK(chinese_numeral_value(U"〇") == 0);
  CHECK(chinese_numeral_value(U"十十") == -1);
  CHECK(chinese_numeral_value(U"百") == -1);
  CHECK(chinese_numeral_value(U"二〇二一") == -1);
  CHECK(chinese_numeral_value(U"三a") == -1);
  CHECK(is_chinese_numeral(U'两'));
  CHECK_FALSE(is_chinese_numeral(U'本'));
}

TEST_CASE("enumerators at every level, and a decimal is not one") {
  struct Case {
    std::u32string_view text;
    size_t length;
    int level, number;
  };
  for (const Case c :
       {Case{U"三、本年度办理结果", 2, 1, 3}, Case{U"十二．其他", 3, 1, 12}, Case{U"（一）予以公开", 3, 2, 1},
        Case{U"( 六 )其他处理", 5, 2, 6}, Case{U"1.属于国家秘密", 2, 3, 1}, Case{U"2、重复申请", 2, 3, 2},
        Case{U"１０．其他", 3, 3, 10}, Case{U"(1)甲", 3, 4, 1}, Case{U"3)丁", 2, 4, 3}, Case{U"（2）乙", 3, 4, 2},
        Case{U"③丙", 1, 5, 3}}) {
    const Enumerator e = enumerator_at(c.text);
    INFO(to_utf8(c.text));
    CHECK(e.length == c.length);
    CHECK(e.level == c.level);
    CHECK(e.number == c.number);
  }
  // A phone number in brackets is no enumerator, and reading it must not overflow (UBSan).
  for (std::u32string_view text :
       {U"1.5", U"12.", U"规章", U"三类内部事务", U"（本列数据", U"", U"(13800138000)", U"（13800138000）"}) {
    INFO(to_utf8(text));
    CHECK(enumerator_at(text).length == 0);
  }
}
