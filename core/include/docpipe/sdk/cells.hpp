// What a table cell of a report holds, decided once for every reader and
// the template stage: a number (ASCII or full-width digits, thousands
// separators, a sign, decimals, an optional unit), a placeholder for "no
// value" (/ — - 无 × …), a blank, or text. Chinese numerals (with 两, 〇, 十,
// 百) and the enumerators of the official forms (一、 （一） 1. 1、 (1) ①) are
// here too. The raw text is always kept: a blank is never 0.
#pragma once

#include <string>
#include <string_view>

namespace docpipe::sdk {

enum class ValueState { blank, number, placeholder, text };

struct CellValue {
  std::string raw;  // the cell text trimmed, exactly as written
  ValueState state = ValueState::blank;
  // When state == number: the canonical decimal of the digits as written
  // ("1234" for "1,234" or "１２３４", "-8", "0.35"), never scaled by the unit.
  std::string number;
  double numeric = 0.0;
  // The unit written after the digits ("251000元" -> 元, "592万元" -> 万元;
  // also 件 个 项 条 次 and %), else "". The number stays the one printed: 592万元 is 592 with unit 万元.
  std::string unit;
};

// Parses one cell's text (white space inside a number is layout: "1 234").
CellValue parse_value(std::string_view text);

// True when the text is a value (blank, number or placeholder), not a label.
bool is_value(std::string_view text);

// A placeholder for "no value" ("/", "—", "-", "--", "无", "空", "×", "～", "*",
// "不适用", "N/A", …),
// white space removed and full-width forms folded by the caller or not.
bool is_placeholder(std::u32string_view text);

// 一 二 三 四 五 六 七 八 九 十 百 零 〇 两
bool is_chinese_numeral(char32_t c);

// The value of a whole Chinese numeral ("三" 3, "十二" 12, "二十" 20, "两" 2,
// "一百零五" 105, "一〇五" 105), or -1 when `s` is not one (or is above 999).
int chinese_numeral_value(std::u32string_view s);

// An enumerator at the start of a label, as the official forms number their
// rows: level 1 "一、" (and 一． 一. 一，), level 2 "（一）" "(一)", level 3 "1."
// "1、" "1．", level 4 "(1)" "（1）" "1)", level 5 "①". `length` in code points,
// white space inside the brackets included; 0 when there is none. A
// decimal number ("1.5", "12.") is not an enumerator.
struct Enumerator {
  size_t length = 0;
  int level = 0;
  int number = 0;  // the item's number (三 -> 3, ② -> 2)
};
Enumerator enumerator_at(std::u32string_view s);

}  // namespace docpipe::sdk
