#include "docpipe/sdk/cells.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "docpipe/sdk/text.hpp"

namespace docpipe::sdk {
namespace {

// Full-width digits and signs fold to ASCII inside numbers only (NFKC would
// also turn （）： into ASCII, which is lossy for Chinese text).
char32_t fold_numeric(char32_t c) {
  if (c >= 0xFF10 && c <= 0xFF19) return U'0' + (c - 0xFF10);
  switch (c) {
    case 0xFF0E:
      return U'.';
    case 0xFF0C:
      return U',';
    case 0xFF0D:
    case 0x2212:
      return U'-';
    case 0xFF0B:
      return U'+';
    default:
      return c;
  }
}

constexpr std::array<std::u32string_view, 21> kPlaceholders = {U"-",  U"—",      U"–",   U"―",   U"——", U"--", U"/",
                                                               U"／", U"不适用", U"N/A", U"n/a", U"NA", U"无", U"空",
                                                               U"\\", U"×",      U"✕",   U"…",   U"～", U"~",  U"*"};
constexpr std::array<std::u32string_view, 9> kUnits = {U"万元", U"元", U"件", U"个", U"项", U"条", U"次", U"%", U"％"};

// "1234", "-8", "+5", "1,234", "12.5": the canonical decimal, or "".
std::string canonical_number(std::u32string_view s) {
  std::string out;
  size_t i = 0;
  if (i < s.size() && (s[i] == U'+' || s[i] == U'-')) {
    if (s[i] == U'-') out += '-';
    ++i;
  }
  size_t digits = 0, group = 0;
  bool grouped = false, dot = false, first_group = true;
  for (; i < s.size(); ++i) {
    const char32_t c = s[i];
    if (c >= U'0' && c <= U'9') {
      out += static_cast<char>(c);
      ++digits;
      ++group;
    } else if (c == U',' && !dot) {
      // thousands separators: groups of exactly three digits
      if (group == 0 || (first_group ? group > 3 : group != 3)) return "";
      grouped = true;
      first_group = false;
      group = 0;
    } else if (c == U'.' && !dot && digits > 0) {
      if (grouped && group != 3) return "";
      dot = true;
      out += '.';
      group = 0;
      grouped = false;
    } else {
      return "";
    }
  }
  if (digits == 0 || (grouped && group != 3) || out.back() == '.') return "";
  return out;
}

bool is_digit(char32_t c) { return (c >= U'0' && c <= U'9') || (c >= U'０' && c <= U'９'); }
int digit_value(char32_t c) { return static_cast<int>(c >= U'０' ? c - U'０' : c - U'0'); }
bool is_open(char32_t c) { return c == U'(' || c == U'（'; }
bool is_close(char32_t c) { return c == U')' || c == U'）'; }

}  // namespace

bool is_placeholder(std::u32string_view text) {
  for (auto p : kPlaceholders)
    if (text == p) return true;
  return false;
}

CellValue parse_value(std::string_view text) {
  CellValue v;
  // Fast path for the common cell: ASCII digits, nothing else ("0", "12").
  {
    std::string_view t = text;
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    bool digits = !t.empty() && t.size() <= 15;
    for (char c : t) digits = digits && c >= '0' && c <= '9';
    if (digits) {
      v.raw.assign(t);
      v.state = ValueState::number;
      v.number = v.raw;
      v.numeric = std::strtod(v.number.c_str(), nullptr);
      return v;
    }
  }
  v.raw = trim(text);
  if (v.raw.empty()) return v;
  // Text is told at its first character, as the rules below would decide
  // it: a number starts with a sign or a digit, a placeholder with its own
  // first character. (Readers ask this of every line, paragraphs included.)
  if (const char32_t first = fold_numeric(first_code_point(v.raw));
      first != U'+' && first != U'-' && (first < U'0' || first > U'9') && !is_space(first) &&
      std::none_of(kPlaceholders.begin(), kPlaceholders.end(), [&](auto p) { return p.front() == first; })) {
    v.state = ValueState::text;
    return v;
  }
  std::u32string u;
  for (char32_t c : to_u32(v.raw))
    if (!is_space(c)) u.push_back(fold_numeric(c));  // "1 234": injected spaces are layout, not data
  if (is_placeholder(u)) {
    v.state = ValueState::placeholder;
    return v;
  }
  std::u32string_view body(u);
  for (auto unit : kUnits)
    if (body.size() > unit.size() && body.substr(body.size() - unit.size()) == unit) {
      v.unit = to_utf8(unit);
      body.remove_suffix(unit.size());
      break;
    }
  const std::string n = canonical_number(body);
  if (n.empty()) {
    v.unit.clear();
    v.state = ValueState::text;
    return v;
  }
  v.state = ValueState::number;
  v.number = n;
  v.numeric = std::strtod(n.c_str(), nullptr);
  return v;
}

bool is_value(std::string_view text) { return parse_value(text).state != ValueState::text; }

bool is_chinese_numeral(char32_t c) {
  return std::u32string_view(U"一二三四五六七八九十百零〇两").find(c) != std::u32string_view::npos;
}

int chinese_numeral_value(std::u32string_view s) {
  static constexpr std::u32string_view digits = U"〇一二三四五六七八九";
  if (s.empty()) return -1;
  auto digit = [](char32_t c) -> int {
    if (c == U'零') return 0;
    if (c == U'两') return 2;
    const size_t p = digits.find(c);
    return p == std::u32string_view::npos ? -1 : static_cast<int>(p);
  };
  // Positional digits only ("一〇五", "二〇二一" is above 999): each a digit.
  if (s.find(U'十') == std::u32string_view::npos && s.find(U'百') == std::u32string_view::npos) {
    if (s.size() > 3) return -1;
    int v = 0;
    for (char32_t c : s) {
      const int d = digit(c);
      if (d < 0) return -1;
      v = v * 10 + d;
    }
    return s.size() > 1 && digit(s[0]) == 0 ? -1 : v;
  }
  int total = 0, current = -1;
  bool tens_seen = false, hundreds_seen = false;
  for (char32_t c : s) {
    if (c == U'百') {
      if (hundreds_seen || tens_seen || current <= 0) return -1;
      total += current * 100;
      current = -1;
      hundreds_seen = true;
    } else if (c == U'十') {
      if (tens_seen) return -1;
      total += (current < 0 ? 1 : current) * 10;  // 十二: an implied 一
      if (current == 0) return -1;
      current = -1;
      tens_seen = true;
    } else {
      const int d = digit(c);
      if (d < 0) return -1;
      if (d == 0) {  // 一百零五: a 零 holds an empty place
        if (!hundreds_seen || tens_seen || current >= 0) return -1;
        current = -2;  // next: a units digit only
        continue;
      }
      if (current >= 0) return -1;
      current = d;
    }
  }
  if (current == -2) return -1;
  return total + (current > 0 ? current : 0);
}

Enumerator enumerator_at(std::u32string_view s) {
  Enumerator e;
  const size_t n = s.size();
  if (n == 0) return e;
  // ① … ⑳
  if (s[0] >= U'①' && s[0] <= U'⑳') return {1, 5, static_cast<int>(s[0] - U'①') + 1};
  if (is_chinese_numeral(s[0])) {
    size_t j = 0;
    while (j < n && is_chinese_numeral(s[j])) ++j;
    const int v = chinese_numeral_value(s.substr(0, j));
    if (v > 0 && j < n && is_numeral_mark(s[j])) return {j + 1, 1, v};
    return e;
  }
  if (is_open(s[0])) {
    size_t j = 1;
    while (j < n && s[j] == U' ') ++j;
    const size_t k0 = j;
    if (j < n && is_chinese_numeral(s[j])) {
      while (j < n && is_chinese_numeral(s[j])) ++j;
      const int v = chinese_numeral_value(s.substr(k0, j - k0));
      while (j < n && s[j] == U' ') ++j;
      if (v > 0 && j < n && is_close(s[j])) return {j + 1, 2, v};
      return e;
    }
    int v = 0;
    while (j < n && j - k0 < 3 && is_digit(s[j])) v = v * 10 + digit_value(s[j++]);
    if (j < n && is_digit(s[j])) return e;  // "(13800138000)" is a number, not an enumerator
    while (j < n && s[j] == U' ') ++j;
    if (j > k0 && j < n && is_close(s[j])) return {j + 1, 4, v};
    return e;
  }
  if (is_digit(s[0])) {
    size_t j = 0;
    int v = 0;
    while (j < n && j < 3 && is_digit(s[j])) v = v * 10 + digit_value(s[j++]);
    if (j < n && (s[j] == U'.' || s[j] == U'．' || s[j] == U'、')) {
      // "1.5" is a number, "12." alone reads as one too.
      if (j + 1 >= n || is_digit(s[j + 1])) return e;
      return {j + 1, 3, v};
    }
    if (j < n && j + 1 < n && is_close(s[j])) return {j + 1, 4, v};  // "1)属于", as (1)
  }
  return e;
}

}  // namespace docpipe::sdk
