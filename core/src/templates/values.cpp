#include "templates/values.hpp"

#include <array>
#include <charconv>
#include <docpipe/sdk/text.hpp>
#include <unordered_map>

#include "templates/template.hpp"  // KeyHash

namespace docpipe::templates {
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

constexpr std::array<std::u32string_view, 12> kPlaceholders = {U"-",  U"—",      U"–",   U"―",   U"——", U"/",
                                                               U"／", U"不适用", U"N/A", U"n/a", U"无", U"\\"};
constexpr std::array<std::u32string_view, 6> kUnits = {U"万元", U"元", U"件", U"个", U"项", U"次"};

// "1234", "-8", "+5", "1,234", "12.5": returns the canonical decimal or "".
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

}  // namespace

CellValue compute_cell(std::string_view text);

CellValue parse_cell(std::string_view text) {
  // Reports repeat their cell texts (numbers, dashes, labels): a bounded
  // per-thread memo of this pure function.
  thread_local std::unordered_map<std::string, CellValue, KeyHash, std::equal_to<>> memo;
  if (const auto it = memo.find(text); it != memo.end()) return it->second;
  if (memo.size() >= 50000) memo.clear();
  CellValue v = compute_cell(text);
  memo.emplace(std::string(text), v);
  return v;
}

CellValue compute_cell(std::string_view text) {
  // Fast path for the common cell: ASCII digits, nothing else ("0", "12").
  {
    std::string_view t = text;
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    bool digits = !t.empty() && t.size() <= 15;
    for (char c : t) digits = digits && c >= '0' && c <= '9';
    if (digits) {
      CellValue v;
      v.raw.assign(t);
      v.state = CellState::number;
      v.number = v.raw;
      v.numeric = std::strtod(v.number.c_str(), nullptr);
      return v;
    }
  }
  CellValue v;
  v.raw = sdk::trim(text);
  if (v.raw.empty()) return v;
  std::u32string u;
  for (char32_t c : sdk::to_u32(v.raw))
    if (!sdk::is_space(c)) u.push_back(fold_numeric(c));  // "1 234" injected spaces are layout, not data
  for (auto p : kPlaceholders)
    if (u == p) {
      v.state = CellState::placeholder;
      return v;
    }
  std::u32string_view body(u);
  for (auto unit : kUnits)
    if (body.size() > unit.size() && body.substr(body.size() - unit.size()) == unit) {
      v.unit = sdk::to_utf8(unit);
      body.remove_suffix(unit.size());
      break;
    }
  const std::string n = canonical_number(body);
  if (n.empty()) {
    v.unit.clear();
    v.state = CellState::text;
    return v;
  }
  v.state = CellState::number;
  v.number = n;
  v.numeric = std::strtod(n.c_str(), nullptr);
  return v;
}

const char *state_name(CellState s) {
  switch (s) {
    case CellState::blank:
      return "blank";
    case CellState::number:
      return "number";
    case CellState::placeholder:
      return "placeholder";
    case CellState::text:
      return "text";
  }
  return "text";
}

bool is_value_like(std::string_view text) { return parse_cell(text).state != CellState::text; }

}  // namespace docpipe::templates
