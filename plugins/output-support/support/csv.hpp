// RFC 4180 CSV text for Excel and for programs. Excel reads a CSV without a
// BOM in the ANSI code page (Chinese turns to mojibake) and expects CRLF, so
// both are the default; either can be turned off for other consumers.
#pragma once

#include <array>
#include <docpipe/sdk/bytes.hpp>
#include <string>
#include <string_view>
#include <utility>

namespace docpipe::outputs {

// True when Excel would read `s` as a number: an optional sign, digits
// (optionally grouped by thousands commas, "1,234"), an optional fraction,
// exponent or percent sign. Such a value can never be a formula, and its
// sign is data: "-2" must stay "-2".
inline bool reads_as_number(std::string_view s) {
  size_t i = 0;
  auto digit = [&](size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const size_t int_start = i;
  while (digit(i)) ++i;
  size_t int_digits = i - int_start;
  // Thousands groups are only valid after 1-3 leading digits.
  if (i < s.size() && s[i] == ',' && int_digits >= 1 && int_digits <= 3) {
    while (i < s.size() && s[i] == ',') {
      if (!(digit(i + 1) && digit(i + 2) && digit(i + 3)) || digit(i + 4)) return false;
      i += 4;
    }
  }
  bool any_digit = int_digits > 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const size_t frac_start = i;
    while (digit(i)) ++i;
    any_digit = any_digit || i > frac_start;
  }
  if (!any_digit) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t k = i + 1;
    if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
    if (!digit(k)) return false;
    while (digit(k)) ++k;
    i = k;
  }
  if (i < s.size() && s[i] == '%') ++i;
  return i == s.size();
}

// A text cell that a spreadsheet would evaluate as a formula (OWASP's CSV
// injection list: = + - @ TAB CR), and which is not simply a signed number.
inline bool needs_formula_guard(std::string_view s) {
  if (s.empty()) return false;
  switch (s.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return !reads_as_number(s);
    default:
      return false;
  }
}

class CsvWriter {
 public:
  // `capacity`: the expected size; a report's values file is some 40 KB.
  CsvWriter(bool bom, bool crlf, size_t capacity = 1 << 16) : eol_(crlf ? "\r\n" : "\n") {
    out_.reserve(capacity);
    if (bom) out_ = "\xEF\xBB\xBF";
  }

  // True for the bytes that make a field need quotes.
  static bool special(char c) { return special_[static_cast<unsigned char>(c)]; }

  // Appends one field. `guard` prefixes an apostrophe to formula-like text;
  // the tidy values file passes false, because its values are data.
  void field(std::string_view v, bool guard) {
    separate();
    const bool guarded = guard && needs_formula_guard(v);
    // Blocks first (sdk::plain_prefix), then a plain loop: find_first_of
    // with a needle set costs a memchr per byte.
    size_t i = sdk::plain_prefix(v, ',', '"', '\r', '\n', false);
    while (i < v.size() && !special(v[i])) ++i;
    if (i == v.size()) {
      if (guarded) out_ += '\'';
      out_.append(v.data(), v.size());
      return;
    }
    out_ += '"';
    if (guarded) out_ += '\'';
    out_.append(v.data(), i);
    for (char ch : v.substr(i)) {
      if (ch == '"') out_ += '"';
      out_ += ch;
    }
    out_ += '"';
  }

  // Appends CSV text that is already encoded: a field without special()
  // bytes, or several fields joined by commas (a prefix shared by all rows).
  void encoded(std::string_view text) {
    separate();
    out_.append(text.data(), text.size());
  }

  void end_row() {
    out_ += eol_;
    first_in_row_ = true;
  }

  const std::string &bytes() const { return out_; }

  // Hands the bytes over (the writer is left empty).
  std::string take() { return std::move(out_); }

  // One field encoded on its own, for use with encoded().
  static std::string encode(std::string_view v, bool guard) {
    CsvWriter one(false, false, 0);
    one.field(v, guard);
    return one.out_;
  }

 private:
  void separate() {
    if (!first_in_row_) out_ += ',';
    first_in_row_ = false;
  }

  static constexpr auto special_ = [] {
    std::array<bool, 256> t{};
    t[','] = t['"'] = t['\r'] = t['\n'] = true;
    return t;
  }();

  std::string out_;
  std::string_view eol_;
  bool first_in_row_ = true;
};

}  // namespace docpipe::outputs
