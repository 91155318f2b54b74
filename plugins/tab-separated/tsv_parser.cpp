// TAB-separated report exports -> raw model. See tsv_parser.hpp for the forms.
//
// Pipeline: bytes -> records (RFC 4180 aware, one per logical line) -> the
// document is cut into narrative and table regions -> each table region is
// analysed as a fixed grid or as ragged rows -> physical records are folded
// into logical rows (wrapped labels, page-split rows, header fragments).
// Page numbers next to a form feed are dropped, and the blank margins around
// a page break do not end a table (tests/e2e/page_breaks_test.py).
#include "tsv_parser.hpp"

#include <algorithm>
#include <deque>
#include <docpipe/sdk/cells.hpp>
#include <docpipe/sdk/plugin.hpp>
#include <docpipe/sdk/text.hpp>
#include <map>
#include <optional>
#include <set>

namespace docpipe::tsv {

using sdk::Cell;
using sdk::LineRange;
using sdk::RawDocument;
using sdk::Severity;

namespace {

// ---------------------------------------------------------------- characters

bool is_cn_numeral(char32_t c) { return sdk::is_chinese_numeral(c); }
bool is_digit(char32_t c) { return (c >= U'0' && c <= U'9') || (c >= U'０' && c <= U'９'); }
bool is_open_paren(char32_t c) { return c == U'(' || c == U'（'; }
bool is_close_paren(char32_t c) { return c == U')' || c == U'）'; }
bool is_cjk(char32_t c) { return sdk::is_han(c) || sdk::is_cjk_punct(c); }

// The code points of `s` in a buffer that the caller reuses from call to
// call (one per call site, thread_local): no allocation per cell. The view
// is valid until the buffer's next use.
std::u32string_view decode(std::string_view s, std::u32string &buf) {
  if (buf.size() < s.size()) buf.resize(s.size());
  return {buf.data(), sdk::decode_utf8(s, buf.data())};
}

// The first code point that is no white space, 0 when there is none. The
// text is valid UTF-8 (the core decoded it), so a lead byte gives the length.
char32_t first_visible(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    const size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    const char32_t c = sdk::first_code_point(s.substr(i, len));
    if (!sdk::is_space(c)) return c;
    i += len;
  }
  return 0;
}

// Length (in code points) of a leading enumerator, and its level here: 0 for
// 一、, 1 for （一）, 2 for 1. 1、 (1) ① (the SDK's cell toolkit reads them).
int enumerator_at(std::u32string_view s, size_t &len) {
  const sdk::Enumerator e = sdk::enumerator_at(s);
  if (e.length == 0) return -1;
  len = e.length;
  return e.level == 1 ? 0 : e.level == 2 ? 1 : 2;
}

int han_count(std::u32string_view s) {
  int n = 0;
  for (char32_t c : s) n += sdk::is_han(c) ? 1 : 0;
  return n;
}

// Bracket balance: > 0 when an opening bracket is left unclosed.
int bracket_balance(std::string_view text) {
  thread_local std::u32string buf;
  int b = 0;
  for (char32_t c : decode(text, buf)) {
    if (is_open_paren(c)) ++b;
    if (is_close_paren(c)) --b;
  }
  return b;
}

// a = join_pieces(a, b), without copying `a` when it is trimmed already (a
// paragraph or label growing piece by piece).
void append_piece(std::string &a, std::string_view b) {
  if (sdk::trim_view(a).size() != a.size()) {
    a = join_pieces(a, b);
    return;
  }
  const std::string_view tb = sdk::trim_view(b);
  if (a.empty()) {
    a.assign(tb);
    return;
  }
  if (tb.empty()) return;
  const char32_t last = sdk::last_code_point(a), first = sdk::first_code_point(tb);
  const bool glue =
      is_cjk(last) || is_cjk(first) || is_open_paren(first) || is_close_paren(first) || is_open_paren(last);
  if (!glue) a += ' ';
  a += tb;
}

// Joins the lines of a quoted multi-line field or of a wrapped cell.
std::string join_lines(std::string_view text) {
  std::string out;
  size_t start = 0;
  bool first = true;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view piece = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (first)
      out = sdk::trim(piece);
    else
      append_piece(out, piece);
    first = false;
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

// Label and header text: wrapped lines joined, CJK letter-spacing removed.
std::string clean_label(std::string_view text) {
  // One line without inner spaces (most cells) is only trimmed.
  if (text.find('\n') == std::string_view::npos) {
    const std::string_view t = sdk::trim_view(text);
    if (t.find(' ') == std::string_view::npos) return std::string(t);
  }
  return sdk::trim(sdk::remove_cjk_spaces(join_lines(text)));
}

// Value text: trimmed exactly as written; only a space that PDF extraction put
// between two digits of an otherwise plain number ("1 234") is removed.
std::string clean_value(std::string_view text) {
  std::string t = sdk::trim(text);
  if (t.find(' ') == std::string::npos) return t;
  const std::u32string u = sdk::to_u32(t);
  bool plain = true;
  for (char32_t c : u)
    if (!(is_digit(c) || c == U' ' || c == U',' || c == U'.' || c == U'-' || c == U'+')) plain = false;
  if (!plain) return t;
  std::u32string out;
  for (size_t i = 0; i < u.size(); ++i) {
    if (u[i] == U' ' && i > 0 && i + 1 < u.size() && is_digit(u[i - 1]) && is_digit(u[i + 1])) continue;
    out.push_back(u[i]);
  }
  return sdk::to_utf8(out);
}

bool is_rule_text(std::string_view text) {
  // Most fields start with a Han character or a digit: no rule.
  if (const char32_t f = sdk::first_code_point(text); f > U' ' && f != U'-' && f != U'=' && f != U'_' && f != U'—' &&
                                                      f != U'─' && f != U'━' && f != U'－' && f != U'+' &&
                                                      !sdk::is_space(f))
    return false;
  thread_local std::u32string buf;
  int dashes = 0;
  for (char32_t c : decode(text, buf)) {
    if (c == U'-' || c == U'=' || c == U'_' || c == U'—' || c == U'─' || c == U'━' || c == U'－' || c == U'+') {
      ++dashes;
    } else if (!sdk::is_space(c)) {
      return false;
    }
  }
  return dashes >= 3;
}

// ------------------------------------------------------------ pipe rows

// The cells of a pipe row (`| 规章 | 0 | 0 |`, `规章 | 0 | 0 | 0 |`, a Markdown
// table row), every piece between pipes, or nothing when the line is not
// one: two unescaped pipes or more, and a pipe at either end or three.
// "\\|" is a pipe inside a cell (pandoc). `framed`: a pipe at both ends.
std::optional<std::vector<std::string>> pipe_cells(std::string_view line, bool &framed) {
  const std::string_view t = sdk::trim_view(line);
  std::vector<std::string> cells(1);
  int pipes = 0;
  bool last_escaped = false;
  for (size_t i = 0; i < t.size(); ++i) {
    last_escaped = false;
    if (t[i] == '\\' && i + 1 < t.size() && t[i + 1] == '|') {
      cells.back() += '|';
      last_escaped = true;
      ++i;
    } else if (t[i] == '|') {
      ++pipes;
      cells.emplace_back();
    } else if (t[i] == '\t') {
      return std::nullopt;
    } else {
      cells.back() += t[i];
    }
  }
  const bool starts = !t.empty() && t.front() == '|', ends = !t.empty() && t.back() == '|' && !last_escaped;
  if (pipes < 2 || (!starts && !ends && pipes < 3)) return std::nullopt;
  framed = starts && ends;
  for (auto &c : cells) c = sdk::trim(c);
  return cells;
}

// A Markdown table's rule row: every cell dashes, with alignment colons.
bool is_markdown_rule(const std::vector<std::string> &cells) {
  for (const auto &c : cells) {
    const std::string_view v = c;
    const size_t a = v.find_first_not_of(':'), b = v.find_last_not_of(':');
    if (a == std::string_view::npos || b - a + 1 < 3 ||
        v.substr(a, b - a + 1).find_first_not_of('-') != std::string_view::npos)
      return false;
  }
  return true;
}

// Text whose tables are pipe rows, with TABs between the cells instead
// (line for line, so line numbers stay); a Markdown rule row becomes an
// empty line. In a run of rows that are all framed by pipes at both ends (a
// Markdown table) the frame holds no cell; elsewhere every piece is a cell
// (a leading pipe: a blank first cell; a trailing one reads like a stray
// trailing TAB). Nothing when no run of pipe rows is a table (pipes in
// prose stay prose; a run of pipe rows is a table when three rows have the
// same number of cells), or when `+---+` rules frame a grid table, whose cells
// wrap over several lines (space-aligned reads those).
std::optional<std::string> pipes_as_tabs(std::string_view text) {
  if (text.find('|') == std::string_view::npos) return std::nullopt;
  const auto lines = sdk::split_lines(text);
  std::vector<std::optional<std::vector<std::string>>> rows(lines.size());
  std::vector<char> framed(lines.size(), 0);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view t = sdk::trim_view(lines[i]);
    if (t.size() > 3 && t.front() == '+' && t.find("-+") != std::string_view::npos) return std::nullopt;
    bool f = false;
    rows[i] = pipe_cells(lines[i], f);
    framed[i] = f;
  }
  // A run of pipe rows is a table when three of its rows have the same
  // number of cells, three or more; other runs stay text.
  size_t tables = 0;
  for (size_t i = 0; i < lines.size();) {
    size_t end = i;
    std::map<size_t, int> widths;
    for (; end < lines.size() && rows[end]; ++end) ++widths[rows[end]->size()];
    bool table = false;
    for (const auto &[w, n] : widths) table |= w >= 3 && n >= 3;
    if (table) ++tables;
    for (; i < end; ++i)
      if (!table) rows[i].reset();
    i = std::max(end, i + 1);
  }
  if (tables == 0) return std::nullopt;
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < lines.size();) {
    if (!rows[i]) {
      out.append(lines[i]);
      if (++i < lines.size()) out += '\n';
      continue;
    }
    size_t end = i;
    bool all_framed = true;
    for (; end < lines.size() && rows[end]; ++end) all_framed &= framed[end] != 0;
    for (; i < end; ++i) {
      std::vector<std::string> &cells = *rows[i];
      if (all_framed) {
        cells.erase(cells.begin());
        cells.pop_back();
      }
      if (!is_markdown_rule(cells))
        for (size_t k = 0; k < cells.size(); ++k) out += (k > 0 ? "\t" : "") + cells[k];
      if (i + 1 < lines.size()) out += '\n';
    }
  }
  return out;
}

// ------------------------------------------------------------------ records

// One logical line: a physical line, or several when a quoted field spans
// line breaks (spreadsheet exports).
struct Record {
  std::vector<std::string> fields;  // raw field text, quotes resolved, \f and \r removed
  int first = 0, last = 0;          // physical lines
  bool form_feed = false;           // a page break was on this line
  bool blank = false;               // no field holds text
  bool rule = false;                // a dash rule line
  int nonempty = 0;
};

// Splits the text into records. A field that starts with '"' is read as an
// RFC 4180 quoted field when its closing quote follows within a few lines;
// otherwise the quote is ordinary text (a PDF export may start a cell with
// a straight quote).
std::vector<Record> read_records(std::string_view text, RawDocument &doc) {
  std::vector<Record> out;
  size_t pos = 0;
  int line = 1;
  const size_t n = text.size();
  constexpr int kMaxQuotedLines = 12;
  while (pos < n) {
    Record r;
    r.first = line;
    bool end_of_record = false;
    while (!end_of_record) {
      std::string field;
      bool quoted_ok = false;
      if (pos < n && text[pos] == '"') {
        // Try a quoted field.
        size_t p = pos + 1;
        int nl = 0;
        std::string buf;
        while (p < n && nl <= kMaxQuotedLines) {
          const char ch = text[p];
          if (ch == '"') {
            if (p + 1 < n && text[p + 1] == '"') {
              buf += '"';
              p += 2;
              continue;
            }
            size_t q = p + 1;
            while (q < n && text[q] == '\r') ++q;
            if (q >= n || text[q] == '\t' || text[q] == '\n') {
              quoted_ok = true;
              p = q;
            }
            break;
          }
          if (ch == '\n') ++nl;
          if (ch != '\r' && ch != '\f') buf += ch;
          if (ch == '\f') r.form_feed = true;
          ++p;
        }
        if (quoted_ok) {
          field = std::move(buf);
          line += nl;
          pos = p;
        } else if (p < n || nl > kMaxQuotedLines) {
          doc.diagnose(Severity::info, line, "unterminated-quote",
                       "a field starts with '\"' but no closing quote follows; read as plain text");
        }
      }
      if (!quoted_ok) {
        // Appended run by run: only form feeds and CRs are left out.
        size_t run = pos;
        while (pos < n && text[pos] != '\t' && text[pos] != '\n') {
          const char ch = text[pos];
          if (ch == '\f' || ch == '\r') {
            field.append(text.data() + run, pos - run);
            if (ch == '\f') r.form_feed = true;
            run = pos + 1;
          }
          ++pos;
        }
        field.append(text.data() + run, pos - run);
      }
      r.fields.push_back(std::move(field));
      if (pos >= n) {
        end_of_record = true;
      } else if (text[pos] == '\t') {
        ++pos;
      } else {  // '\n'
        ++pos;
        end_of_record = true;
        r.last = line;
        ++line;
      }
    }
    if (r.last == 0) r.last = line;
    int nonempty = 0;
    bool rule = true;
    for (const std::string &f : r.fields) {
      if (sdk::is_blank(f)) continue;
      ++nonempty;
      if (!is_rule_text(f)) rule = false;
    }
    r.nonempty = nonempty;
    r.blank = nonempty == 0;
    r.rule = nonempty > 0 && rule;
    out.push_back(std::move(r));
  }
  return out;
}

std::string first_text(const Record &r) {
  for (const std::string &f : r.fields)
    if (!sdk::is_blank(f)) return f;
  return {};
}

// The page number a line shows, or -1: "— 3 —", "- 3 -", "第 3 页",
// "第3页 共9页", "3/9", or a bare "3" (spaces and decoration ignored).
int page_number_of(const Record &r) {
  if (r.nonempty != 1) return -1;
  std::u32string u;
  for (char32_t c : sdk::to_u32(first_text(r)))
    if (!sdk::is_space(c)) u.push_back(c);
  auto strip = [&](std::u32string_view deco) {
    while (!u.empty() && deco.find(u.front()) != std::u32string_view::npos) u.erase(0, 1);
    while (!u.empty() && deco.find(u.back()) != std::u32string_view::npos) u.pop_back();
  };
  strip(U"-—–－―");
  if (const size_t total = u.find(U"共"); total != std::u32string::npos && total > 0) u.erase(total);  // 第3页共9页
  if (const size_t slash = u.find(U'/'); slash != std::u32string::npos && slash > 0) u.erase(slash);   // 3/9
  if (u.size() >= 2 && u.front() == U'第' && u.back() == U'页') u = u.substr(1, u.size() - 2);
  if (u.empty() || u.size() > 3) return -1;
  int v = 0;
  for (char32_t c : u) {
    if (c < U'0' || c > U'9') return -1;
    v = v * 10 + static_cast<int>(c - U'0');
  }
  return v;
}

// A table header that the PDF repeats at the top of the next page: the
// records right after a page break that repeat, field for field, records
// seen earlier, none of them holding a value. They are blanked (noted as
// info) so that the table reads as one; data rows never qualify (their
// labels are unique and they hold values or blanks in value columns).
void drop_repeated_headers(std::vector<Record> &recs, RawDocument &doc) {
  // Asked again for every earlier start tried: remembered per record (a
  // record's answer changes only when it is blanked, below).
  std::vector<signed char> known(recs.size(), -1);
  auto text_only = [&](size_t i) {
    if (known[i] >= 0) return known[i] == 1;
    const Record &r = recs[i];
    bool yes = !(r.blank || r.rule);
    for (size_t f = 0; yes && f < r.fields.size(); ++f)
      if (!sdk::is_blank(r.fields[f]) && is_value_like(r.fields[f])) yes = false;
    known[i] = yes ? 1 : 0;
    return yes;
  };
  auto same = [](const Record &a, const Record &b) {
    size_t i = 0, j = 0;  // compare the non-empty fields, trimmed
    while (true) {
      while (i < a.fields.size() && sdk::is_blank(a.fields[i])) ++i;
      while (j < b.fields.size() && sdk::is_blank(b.fields[j])) ++j;
      if (i == a.fields.size() || j == b.fields.size()) return i == a.fields.size() && j == b.fields.size();
      if (sdk::trim_view(a.fields[i]) != sdk::trim_view(b.fields[j])) return false;
      ++i, ++j;
    }
  };
  for (size_t i = 0; i < recs.size(); ++i) {
    if (!recs[i].form_feed) continue;
    size_t k = i;
    while (k < recs.size() && recs[k].blank) ++k;
    if (k >= recs.size() || !text_only(k)) continue;
    // The longest run of text-only records from k that repeats one earlier.
    size_t best = 0;
    for (size_t p = (k > 200 ? k - 200 : 0); p < i; ++p) {
      size_t m = 0;
      while (k + m < recs.size() && p + m < i && text_only(k + m) && same(recs[p + m], recs[k + m])) ++m;
      best = std::max(best, m);
    }
    // One repeated line is enough only when it has several fields (a header row).
    if (best == 0 || (best == 1 && recs[k].nonempty < 2)) continue;
    for (size_t m = 0; m < best; ++m) {
      Record &r = recs[k + m];
      doc.diagnose(Severity::info, r.first, "repeated-header", "table header repeated after a page break dropped");
      for (std::string &f : r.fields) f.clear();
      r.nonempty = 0;
      r.blank = true;
      known[k + m] = 0;
    }
  }
}

// Page numbers next to a page break are page furniture, not text of the
// table they interrupt: such a line becomes blank (noted as info), so a
// table that goes on on the next page stays one table. A number is taken
// only when it fits the count of the pages so far.
void drop_page_numbers(std::vector<Record> &recs, RawDocument &doc) {
  int page = 0;  // 0-based page of the record
  std::vector<int> page_of(recs.size());
  for (size_t i = 0; i < recs.size(); ++i) {
    if (recs[i].form_feed) ++page;
    page_of[i] = page;
  }
  for (size_t i = 0; i < recs.size(); ++i) {
    if (!recs[i].form_feed) continue;
    // the last text line before the break (bottom of the previous page) and
    // the first one after it (top of this page)
    for (int dir : {-1, +1}) {
      long j = static_cast<long>(i) + (dir < 0 ? -1 : 0);
      while (j >= 0 && j < static_cast<long>(recs.size()) && recs[static_cast<size_t>(j)].blank) j += dir;
      if (j < 0 || j >= static_cast<long>(recs.size())) continue;
      Record &r = recs[static_cast<size_t>(j)];
      const int n = page_number_of(r);
      const int on_page = page_of[static_cast<size_t>(j)];
      if (n < 0 || !(n == on_page + 1 || n == on_page)) continue;
      doc.diagnose(Severity::info, r.first, "page-furniture", "page number dropped: " + first_text(r));
      for (std::string &f : r.fields) f.clear();
      r.nonempty = 0;
      r.blank = true;
    }
  }
}

// A narrative line that is a section heading ("三、收到和处理…") or the
// report title.
int heading_level(std::string_view raw) {
  // Only a Chinese numeral or an opening bracket can start a heading's
  // enumerator (the first visible character of raw is that of its label).
  if (const char32_t f = first_visible(raw); !is_cn_numeral(f) && !is_open_paren(f)) return 0;
  thread_local std::u32string buf;
  const std::string t = clean_label(raw);
  const std::u32string_view u = decode(t, buf);
  if (u.empty() || u.size() > 40) return 0;
  if (t.find("。") != std::string::npos || t.find("；") != std::string::npos) return 0;
  size_t len = 0;
  const int lvl = enumerator_at(u, len);
  if (lvl == 0) return 1;
  if (lvl == 1 && u.size() <= 24) return 2;
  return 0;
}

bool sentence_like(std::string_view raw) {
  const std::string_view t = sdk::trim_view(raw);
  return t.find("。") != std::string::npos || t.find("；") != std::string::npos || sdk::display_width(t) > 72;
}

// -------------------------------------------------------------- table model

struct Piece {
  std::string text;
  int line = 0;
};

// A label cell of a logical row; pieces from several physical lines.
struct Label {
  int level = 0;
  int column = -1;
  std::vector<Piece> pieces;
  std::string text() const {
    std::string out;
    for (const Piece &p : pieces)
      if (out.empty())
        out = sdk::trim(p.text);
      else
        append_piece(out, p.text);
    return sdk::trim(sdk::remove_cjk_spaces(out));
  }
  LineRange lines() const {
    LineRange r{pieces.empty() ? 0 : pieces.front().line, pieces.empty() ? 0 : pieces.front().line};
    for (const Piece &p : pieces) {
      r.first = std::min(r.first, p.line);
      r.last = std::max(r.last, p.line);
    }
    return r;
  }
};

struct Value {
  std::string text;
  int column = -1;
  LineRange lines;
  std::string raw = {};  // the field as read, for a row without a grid
};

struct LogicalRow {
  enum class Kind { data, header, title } kind = Kind::data;
  LineRange lines;
  std::vector<Label> labels;     // left to right
  int leading_blank_labels = 0;  // inherited (vertically merged) label slots
  std::vector<int> label_cols;   // grid: the columns that hold labels in this part of the table
  std::vector<Value> values;
  bool has_values() const {
    return std::any_of(values.begin(), values.end(), [](const Value &v) { return !v.text.empty(); });
  }
};

// A label fragment of one physical record.
struct Frag {
  std::string text;  // raw (spaces kept: they may separate columns)
  int column = -1;
  int level = -1;  // enumerator level, -1 when it continues a label
};

// Cuts a field before every inner enumerator that follows white space:
// "(三) 不予公开 1. 属于国家秘密" holds two labels of two levels.
std::vector<Frag> split_enumerators(const std::string &field, int column) {
  thread_local std::u32string buf;
  std::vector<Frag> out;
  const std::u32string_view u = decode(sdk::trim_view(field), buf);
  // A piece's text is its code points trimmed; its level is read off the
  // same code points (what decoding that text again would give).
  auto add = [&](std::u32string_view piece, bool keep_empty) {
    while (!piece.empty() && sdk::is_space(piece.front())) piece.remove_prefix(1);
    while (!piece.empty() && sdk::is_space(piece.back())) piece.remove_suffix(1);
    if (piece.empty() && !keep_empty) return;
    size_t len = 0;
    out.push_back(Frag{sdk::to_utf8(piece), column, enumerator_at(piece, len)});
  };
  size_t start = 0;
  for (size_t i = 1; i < u.size(); ++i) {
    if (!sdk::is_space(u[i - 1]) || sdk::is_space(u[i])) continue;
    size_t len = 0;
    if (enumerator_at(u.substr(i), len) < 0) continue;
    add(u.substr(start, i - start), false);
    start = i;
  }
  add(u.substr(start), true);
  return out;
}

bool is_label_like(std::string_view text) {
  if (sdk::is_blank(text) || is_value_like(text)) return false;
  thread_local std::u32string buf;
  const std::u32string_view u = decode(sdk::trim_view(text), buf);
  size_t len = 0;
  return enumerator_at(u, len) >= 0 || han_count(u) >= 2;
}

// One analysed physical record of a table region.
struct Line {
  const Record *rec = nullptr;
  bool page_break = false;  // blank line or form feed before it (inside the table)
  enum class Kind { header, title, data, fragment } kind = Kind::data;
  std::vector<Frag> frags;                         // label fragments
  std::vector<Value> values;                       // fixed grid: one per value column; ragged: trailing values
  std::vector<std::pair<int, std::string>> texts;  // header: (column, text)
  std::vector<int> label_cols;                     // grid: label columns of the line's segment
};

// Folds analysed lines into logical rows.
class RowBuilder {
 public:
  explicit RowBuilder(RawDocument &doc) : doc_(doc) {}

  void header(const Line &l, const std::vector<std::pair<int, std::string>> &cells) {
    LogicalRow r;
    r.kind = LogicalRow::Kind::header;
    r.lines = {l.rec->first, l.rec->last};
    for (const auto &[col, text] : cells) {
      Label lab;
      lab.column = col;
      lab.pieces.push_back(Piece{text, l.rec->first});
      r.labels.push_back(std::move(lab));
    }
    rows_.push_back(std::move(r));
    stack_.clear();
    current_ = -1;
  }

  void title(const Line &l) {
    LogicalRow r;
    r.kind = LogicalRow::Kind::title;
    r.lines = {l.rec->first, l.rec->last};
    Label lab;
    lab.column = l.frags.empty() ? -1 : l.frags.front().column;
    for (const Frag &f : l.frags) lab.pieces.push_back(Piece{f.text, l.rec->first});
    r.labels.push_back(std::move(lab));
    rows_.push_back(std::move(r));
    stack_.clear();
    current_ = -1;
  }

  bool has_current() const { return current_ >= 0; }
  const LogicalRow &current() const { return rows_[static_cast<size_t>(current_)]; }
  // The deepest open label starts with an enumerator (a hierarchical table).
  bool deepest_enumerated() const {
    if (stack_.empty()) return false;
    const Label &lab = label(stack_.back());
    return enumerator_level(lab.text()) >= 0;
  }
  size_t open_labels() const { return stack_.size(); }

  // Starts a logical row. Fragments before the first enumerated one continue
  // open labels of earlier rows (a group label wrapped beside its first item).
  void start(const Line &l, bool fixed_grid) {
    const std::vector<Frag> &frags = l.frags;
    size_t first_new = 0;
    while (first_new < frags.size() && frags[first_new].level < 0) ++first_new;
    if (first_new == frags.size()) first_new = 0;  // no enumerator: all are new labels
    const int new_level = level_of(frags.empty() ? Frag{} : frags[first_new], fixed_grid, 0);
    if (first_new > 0) {
      std::vector<Frag> lead(frags.begin(), frags.begin() + static_cast<long>(first_new));
      std::vector<Ref> below;
      for (const Ref &ref : stack_)
        if (label(ref).level < new_level) below.push_back(ref);
      attach(lead, below, l.rec->first, !fixed_grid);
    }
    while (!stack_.empty() && label(stack_.back()).level >= new_level) stack_.pop_back();

    LogicalRow r;
    r.kind = LogicalRow::Kind::data;
    r.lines = {l.rec->first, l.rec->last};
    r.values = l.values;
    r.label_cols = l.label_cols;
    int prev_level = -1;
    for (size_t i = first_new; i < frags.size(); ++i) {
      Label lab;
      lab.level = level_of(frags[i], fixed_grid, prev_level + 1);
      if (lab.level <= prev_level) lab.level = prev_level + 1;
      prev_level = lab.level;
      lab.column = frags[i].column;
      lab.pieces.push_back(Piece{frags[i].text, l.rec->first});
      r.labels.push_back(std::move(lab));
    }
    r.leading_blank_labels = fixed_grid ? 0 : std::max(0, r.labels.empty() ? 0 : r.labels.front().level);
    rows_.push_back(std::move(r));
    current_ = static_cast<int>(rows_.size()) - 1;
    for (size_t i = 0; i < rows_.back().labels.size(); ++i) stack_.push_back(Ref{current_, static_cast<int>(i)});
  }

  // Adds a physical record to the current row: its fragments continue the
  // open labels (the deepest ones, left to right), its values fill a row
  // that had none.
  void extend(const Line &l, bool split_spaces) {
    LogicalRow &r = rows_[static_cast<size_t>(current_)];
    r.lines.last = std::max(r.lines.last, l.rec->last);
    if (!r.has_values() && !l.values.empty()) {
      bool any = false;
      for (const Value &v : l.values) any = any || !v.text.empty();
      if (any || r.values.empty()) r.values = l.values;
    }
    attach(l.frags, stack_, l.rec->first, split_spaces);
  }

  std::vector<LogicalRow> take() { return std::move(rows_); }

 private:
  struct Ref {
    int row;
    int index;
  };
  Label &label(const Ref &r) { return rows_[static_cast<size_t>(r.row)].labels[static_cast<size_t>(r.index)]; }
  const Label &label(const Ref &r) const {
    return rows_[static_cast<size_t>(r.row)].labels[static_cast<size_t>(r.index)];
  }
  static int level_of(const Frag &f, bool fixed_grid, int fallback) {
    if (f.level >= 0) return f.level;
    if (fixed_grid && f.column >= 0) return f.column;
    return fallback;
  }

  void attach(std::vector<Frag> frags, const std::vector<Ref> &open, int line, bool split_spaces) {
    if (frags.empty()) return;
    if (open.empty()) {
      // Nothing to continue: keep the text on the current row rather than lose it.
      if (current_ >= 0) {
        LogicalRow &r = rows_[static_cast<size_t>(current_)];
        Label lab;
        for (const Frag &f : frags) lab.pieces.push_back(Piece{f.text, line});
        lab.level = r.labels.empty() ? 0 : r.labels.back().level + 1;
        r.labels.push_back(std::move(lab));
        stack_.push_back(Ref{current_, static_cast<int>(r.labels.size()) - 1});
      }
      return;
    }
    // Without a grid (pdftotext | sed) one space may separate the
    // continuations of two columns ("理结果 只计这一情形"): split the field
    // when more labels are open. On a grid a field is one cell. A space
    // next to a lone Han character is PDF letter-spacing inside one cell
    // ("关 政府信息", "申 请"), not a column gap: no split there.
    if (split_spaces && frags.size() < open.size()) {
      std::vector<Frag> split;
      for (const Frag &f : frags) {
        const std::u32string u = sdk::to_u32(f.text);
        auto lone_han = [&](size_t from, size_t to) { return to == from + 1 && sdk::is_han(u[from]); };
        size_t s = 0;
        for (size_t i = 0; i <= u.size(); ++i) {
          if (i == u.size() || u[i] == U' ') {
            if (i < u.size()) {
              size_t next = i + 1;
              while (next < u.size() && u[next] != U' ') ++next;
              if (lone_han(s, i) || lone_han(i + 1, next)) continue;  // keep the space inside this piece
            }
            if (i > s) split.push_back(Frag{sdk::to_utf8(std::u32string_view(u).substr(s, i - s)), f.column, -1});
            s = i + 1;
          }
        }
      }
      if (split.size() <= open.size()) frags = std::move(split);
    }
    if (frags.size() > open.size()) {
      // More pieces than open labels: the extra ones join the deepest label.
      while (frags.size() > open.size()) {
        frags[frags.size() - 2].text = join_pieces(frags[frags.size() - 2].text, frags.back().text);
        frags.pop_back();
      }
    }
    const size_t offset = open.size() - frags.size();
    for (size_t i = 0; i < frags.size(); ++i) label(open[offset + i]).pieces.push_back(Piece{frags[i].text, line});
  }

  RawDocument &doc_;
  std::vector<LogicalRow> rows_;
  std::vector<Ref> stack_;  // open labels, shallow to deep
  int current_ = -1;
};

// Header cells of a fixed-grid record: (column, cleaned text).
std::vector<std::pair<int, std::string>> header_cells(const Record &r) {
  std::vector<std::pair<int, std::string>> out;
  for (size_t c = 0; c < r.fields.size(); ++c)
    if (!sdk::is_blank(r.fields[c])) out.emplace_back(static_cast<int>(c), clean_label(r.fields[c]));
  return out;
}

bool looks_like_header(const Record &r) {
  if (r.nonempty < 2) return false;
  for (const std::string &f : r.fields) {
    if (sdk::is_blank(f)) continue;
    if (is_value_like(f)) return false;
    if (enumerator_level(f) >= 0) return false;
  }
  return true;
}

// Leaf columns of a header block: a header cell spans to the next cell of its
// row; it is a leaf when no lower header row has a cell inside that span.
std::vector<int> leaf_columns(const std::vector<const Record *> &rows, size_t width) {
  std::set<int> leaves;
  for (size_t r = 0; r < rows.size(); ++r) {
    std::vector<int> cols;
    for (size_t c = 0; c < rows[r]->fields.size(); ++c)
      if (!sdk::is_blank(rows[r]->fields[c])) cols.push_back(static_cast<int>(c));
    for (size_t k = 0; k < cols.size(); ++k) {
      const int lo = cols[k];
      const int hi = k + 1 < cols.size() ? cols[k + 1] - 1 : static_cast<int>(width) - 1;
      bool child = false;
      for (size_t r2 = r + 1; r2 < rows.size() && !child; ++r2)
        for (int c = lo; c <= hi && !child; ++c)
          child = static_cast<size_t>(c) < rows[r2]->fields.size() &&
                  !sdk::is_blank(rows[r2]->fields[static_cast<size_t>(c)]);
      if (!child) leaves.insert(lo);
    }
  }
  return {leaves.begin(), leaves.end()};
}

// ------------------------------------------------------------ table builder

class TableBuilder {
 public:
  TableBuilder(RawDocument &doc, std::vector<const Record *> recs) : doc_(doc), recs_(std::move(recs)) {}

  void build() {
    // Physical lines with content, page breaks remembered.
    bool brk = false;
    for (const Record *r : recs_) {
      if (r->blank || r->rule) {
        brk = brk || r->blank || r->form_feed;
        continue;
      }
      Line l;
      l.rec = r;
      l.page_break = brk || r->form_feed;
      brk = false;
      lines_.push_back(std::move(l));
    }
    if (lines_.empty()) return;
    decide_grid();
    if (fixed_)
      analyse_fixed();
    else
      analyse_ragged();
    emit();
  }

 private:
  void decide_grid() {
    std::map<size_t, int> counts;
    for (const Line &l : lines_) ++counts[l.rec->fields.size()];
    size_t mode = 0;
    int best = 0;
    for (const auto &[k, c] : counts)
      if (c > best) best = c, mode = k;
    width_ = mode;
    int fit = 0;
    for (const Line &l : lines_) {
      const size_t k = l.rec->fields.size();
      if (k == mode || (k == mode + 1 && sdk::is_blank(l.rec->fields.back()))) ++fit;
    }
    fixed_ = mode >= 2 && fit * 10 >= static_cast<int>(lines_.size()) * 6;
    if (!fixed_) return;
    // A stray or missing trailing TAB is noise: such a line is on the grid
    // (its missing last field is empty), only a clearly shorter one is an
    // off-grid fragment.
    for (Line &l : lines_) {
      const size_t k = l.rec->fields.size();
      if (k + 1 == width_ && width_ >= 4) {
        padded_.push_back(*l.rec);
        padded_.back().fields.resize(width_);
        l.rec = &padded_.back();
      }
    }
  }

  // ---- fixed grid

  void analyse_fixed() {
    // Which lines are headers: a full-width line with text in two or more
    // fields and neither values nor enumerators. After data rows, a new
    // header (a new section) must also reach into the current value columns,
    // so that a data row whose values are all blank is not taken for one.
    std::vector<int> value_cols;
    bool seen_data = false;
    for (size_t i = 0; i < lines_.size(); ++i) {
      Line &l = lines_[i];
      const Record &r = *l.rec;
      if (r.fields.size() < width_) {
        l.kind = Line::Kind::fragment;
        continue;
      }
      bool header = looks_like_header(r);
      if (header && seen_data && !value_cols.empty()) {
        bool reaches = false;
        for (int c : value_cols)
          reaches =
              reaches || (static_cast<size_t>(c) < r.fields.size() && !sdk::is_blank(r.fields[static_cast<size_t>(c)]));
        header = reaches;
      }
      if (header) {
        l.kind = Line::Kind::header;
        // Provisional value columns (union over the header block), so that
        // the next section's header can be told from a blank data row.
        if (seen_data) value_cols.clear();
        seen_data = false;
        for (size_t c = 1; c < r.fields.size(); ++c)
          if (!sdk::is_blank(r.fields[c])) value_cols.push_back(static_cast<int>(c));
      } else {
        l.kind = Line::Kind::data;
        seen_data = true;
      }
    }
    // Title rows: a single label right before a header, on the grid or
    // short of it (pandoc | sed leaves "第二十条第（五）项<TAB>" two fields
    // wide, which would otherwise continue the row above).
    for (size_t i = 0; i + 1 < lines_.size(); ++i) {
      Line &l = lines_[i];
      const bool on_grid = l.kind == Line::Kind::data;
      const bool short_label =
          l.kind == Line::Kind::fragment && i > 0 && lines_[i - 1].kind == Line::Kind::data && single_label(*l.rec);
      if ((on_grid || short_label) && l.rec->nonempty == 1 && next_is_header(i)) l.kind = Line::Kind::title;
    }
    // Segments: a header block (with its titles and off-grid fragments) and
    // the data lines under it.
    size_t i = 0;
    while (i < lines_.size()) {
      Segment seg;
      while (i < lines_.size() && lines_[i].kind != Line::Kind::data) seg.head.push_back(i++);
      while (i < lines_.size() && (lines_[i].kind == Line::Kind::data || lines_[i].kind == Line::Kind::fragment))
        seg.data.push_back(i++);
      analyse_segment(seg);
      segments_.push_back(std::move(seg));
    }
  }

  static bool single_label(const Record &r) {
    for (const std::string &f : r.fields)
      if (!sdk::is_blank(f)) return !is_value_like(f) && enumerator_level(f) < 0;
    return false;
  }

  bool next_is_header(size_t i) const { return i + 1 < lines_.size() && lines_[i + 1].kind == Line::Kind::header; }

  struct Segment {
    std::vector<size_t> head;
    std::vector<size_t> data;
    std::vector<int> value_cols;
  };

  void analyse_segment(Segment &seg) {
    std::vector<const Record *> hdr;
    for (size_t h : seg.head)
      if (lines_[h].kind == Line::Kind::header) hdr.push_back(lines_[h].rec);
    std::vector<int> cols;
    if (!hdr.empty()) {
      cols = leaf_columns(hdr, width_);
      // The leftmost leaf is the stub (信息内容, the 勾稽 note) when the data
      // rows carry label text under it.
      if (!cols.empty()) {
        const int hi = cols.size() > 1 ? cols[1] - 1 : static_cast<int>(width_) - 1;
        bool stub = false;
        for (size_t d : seg.data) {
          const Record &r = *lines_[d].rec;
          if (r.fields.size() < width_) continue;
          for (int c = cols[0]; c <= hi && !stub && static_cast<size_t>(c) < r.fields.size(); ++c)
            stub = is_label_like(r.fields[static_cast<size_t>(c)]);
        }
        if (stub) cols.erase(cols.begin());
      }
    }
    if (cols.empty()) {
      // No usable header: value columns are where the data rows hold values,
      // right of the last label.
      std::set<int> vc;
      int last_label = -1;
      for (size_t d : seg.data) {
        const Record &r = *lines_[d].rec;
        if (r.fields.size() < width_) continue;
        for (size_t c = 0; c < r.fields.size(); ++c) {
          if (sdk::is_blank(r.fields[c])) continue;
          if (is_value_like(r.fields[c]))
            vc.insert(static_cast<int>(c));
          else
            last_label = std::max(last_label, static_cast<int>(c));
        }
      }
      for (int c : vc)
        if (c > last_label) cols.push_back(c);
      if (!seg.data.empty() && cols.empty() && !hdr.empty())
        doc_.diagnose(Severity::warning, lines_[seg.data.front()].rec->first, "no-value-columns",
                      "cannot tell which columns of this table hold values; rows are kept with labels only");
    }
    seg.value_cols = cols;
    const int first_value = cols.empty() ? static_cast<int>(width_) : cols.front();
    // Label columns: left of the values, holding text in some data row. A
    // merged label cell (信息内容 over seven grid columns) so becomes one cell.
    std::set<int> label_cols;
    for (size_t d : seg.data) {
      const Record &r = *lines_[d].rec;
      if (r.fields.size() < width_) continue;
      for (int c = 0; c < first_value && static_cast<size_t>(c) < r.fields.size(); ++c)
        if (!sdk::is_blank(r.fields[static_cast<size_t>(c)])) label_cols.insert(c);
    }

    std::vector<bool> known;  // the value columns, by column
    for (int c : cols) {
      if (static_cast<size_t>(c) >= known.size()) known.resize(static_cast<size_t>(c) + 1, false);
      known[static_cast<size_t>(c)] = true;
    }
    for (size_t d : seg.data) {
      Line &l = lines_[d];
      const Record &r = *l.rec;
      l.label_cols.assign(label_cols.begin(), label_cols.end());
      // Short of the table's width, or of a value column a wider header
      // named: not on the grid.
      if (r.fields.size() < width_ || (!cols.empty() && r.fields.size() <= static_cast<size_t>(cols.back()))) {
        ragged_split(l);
        split_glued_numbers(l, cols.size());
        if (!l.values.empty() && l.values.size() < cols.size()) take_glued_values(l, cols.size() - l.values.size());
        continue;
      }
      for (int c = 0; c < first_value && static_cast<size_t>(c) < r.fields.size(); ++c) {
        if (sdk::is_blank(r.fields[static_cast<size_t>(c)])) continue;
        for (Frag &f : split_enumerators(r.fields[static_cast<size_t>(c)], c)) l.frags.push_back(std::move(f));
      }
      // A label wider than its column spills into the first value columns
      // (003: "1. 属于国家秘密" sits under 自然人): take it as a label.
      bool spilling = true;
      for (int c : cols) {
        const std::string &f = r.fields[static_cast<size_t>(c)];
        Value v;
        v.column = c;
        v.lines = {r.first, r.last};
        if (spilling && is_label_like(f) && (!l.frags.empty() || enumerator_level(f) >= 0)) {
          for (Frag &fr : split_enumerators(f, c)) l.frags.push_back(std::move(fr));
        } else {
          if (!sdk::is_blank(f)) spilling = false;
          v.text = clean_value(f);
        }
        l.values.push_back(std::move(v));
      }
      // Text in a column that is neither label nor value would be lost.
      for (size_t c = static_cast<size_t>(first_value); c < r.fields.size(); ++c) {
        if ((c < known.size() && known[c]) || sdk::is_blank(r.fields[c])) continue;
        doc_.diagnose(Severity::warning, r.first, "value-outside-columns",
                      "field " + std::to_string(c + 1) + " (\"" + sdk::trim(r.fields[c]) +
                          "\") lies under no column header; it is not part of the row");
      }
    }
    for (size_t h : seg.head) {
      Line &l = lines_[h];
      if (l.kind == Line::Kind::title) {
        for (size_t c = 0; c < l.rec->fields.size(); ++c)
          if (!sdk::is_blank(l.rec->fields[c])) l.frags.push_back(Frag{l.rec->fields[c], static_cast<int>(c), -1});
      } else {
        l.texts = header_cells(*l.rec);
        if (l.kind == Line::Kind::fragment)
          for (auto &t : l.texts) t.first = -1;  // not on the grid
      }
    }
    join_header_fragments(seg.head);
  }

  // A header cell cut by a page break or a dash rule ("（本列数据的勾稽关系为：第"
  // … "一项加第二项之和…)") is put back together: an unclosed bracket in the
  // first cell of one header line is closed by the first cell of the next.
  void join_header_fragments(const std::vector<size_t> &head) {
    for (size_t k = 0; k + 1 < head.size(); ++k) {
      Line &a = lines_[head[k]];
      Line &b = lines_[head[k + 1]];
      if (a.texts.empty() || b.texts.empty()) continue;
      if (a.kind == Line::Kind::title || b.kind == Line::Kind::title) continue;
      if (bracket_balance(a.texts.front().second) > 0 && bracket_balance(b.texts.front().second) < 0) {
        b.texts.front().second = join_pieces(a.texts.front().second, b.texts.front().second);
        a.texts.erase(a.texts.begin());
      }
    }
  }

  // ---- ragged rows

  // `sed -E 's/ {2,}/\t/g'` keeps a single space, so where the producer
  // left only one between a long label and the first values (w3m, narrow
  // PDF cells), they are glued to the label: "（二）部分公开（…不计其他情形）
  // 0", "4.保护第三方 0 0". A row `missing` values short of its table takes
  // them back when exactly that many numbers end its label.
  // The numbers that end a line's last label piece, each after a space,
  // last first; `rest` is what comes before them.
  static std::vector<std::string_view> glued_numbers(const Line &l, std::string_view &rest) {
    std::vector<std::string_view> numbers;
    if (l.frags.empty()) return numbers;
    rest = sdk::trim_view(l.frags.back().text);
    while (true) {
      const size_t sp = rest.find_last_of(' ');
      if (sp == std::string_view::npos) break;
      const std::string_view tail = rest.substr(sp + 1);
      if (tail.empty() || !is_digit(sdk::first_code_point(tail)) || !is_value_like(tail)) break;
      numbers.push_back(tail);
      rest = sdk::trim_view(rest.substr(0, sp));
    }
    if (rest.empty() || is_value_like(rest)) numbers.clear();
    return numbers;
  }

  static bool take_glued_values(Line &l, size_t missing) {
    if (l.frags.empty() || missing == 0) return false;
    std::string_view rest;
    const std::vector<std::string_view> numbers = glued_numbers(l, rest);
    if (numbers.size() != missing) return false;
    std::vector<Value> glued;
    for (auto it = numbers.rbegin(); it != numbers.rend(); ++it)
      glued.push_back(Value{clean_value(*it), -1, {l.rec->first, l.rec->last}, std::string(*it)});
    l.values.insert(l.values.begin(), glued.begin(), glued.end());
    l.frags.back().text = std::string(rest);
    return true;
  }

  // Labels and trailing values of a line without a grid.
  void ragged_split(Line &l) {
    const Record &r = *l.rec;
    std::vector<std::string> f;
    for (const std::string &x : r.fields)
      if (!sdk::is_blank(x)) f.push_back(x);
    size_t k = f.size();
    while (k > 0 && is_value_like(f[k - 1])) --k;
    for (size_t i = 0; i < k; ++i)
      for (Frag &fr : split_enumerators(f[i], -1)) l.frags.push_back(std::move(fr));
    for (size_t i = k; i < f.size(); ++i) l.values.push_back(Value{clean_value(f[i]), -1, {r.first, r.last}, f[i]});
  }

  // The same sed step glues the numbers of two neighbouring narrow columns
  // ("1751 271"), which otherwise read as one number with a PDF-injected
  // space. A row short of its table by exactly as many values as its values
  // hold such gaps takes them apart.
  // A value field's pieces between spaces ("1751 271": two).
  static std::vector<std::string_view> space_pieces(std::string_view raw) {
    std::vector<std::string_view> p;
    std::string_view rest = sdk::trim_view(raw);
    while (!rest.empty()) {
      const size_t sp = rest.find(' ');
      p.push_back(rest.substr(0, sp));
      rest = sp == std::string_view::npos ? std::string_view() : sdk::trim_view(rest.substr(sp));
    }
    return p;
  }
  static bool all_numbers(const std::vector<std::string_view> &pieces) {
    for (std::string_view t : pieces)
      if (!is_digit(sdk::first_code_point(t)) || !is_value_like(t)) return false;
    return true;
  }

  // How many values a value field holds: its numbers glued by spaces, else one.
  static size_t number_pieces(std::string_view raw) {
    const auto p = space_pieces(raw);
    return p.size() > 1 && all_numbers(p) ? p.size() : 1;
  }

  static bool split_glued_numbers(Line &l, size_t want) {
    if (l.values.empty() || l.values.size() >= want) return false;
    std::vector<std::vector<std::string_view>> parts;
    size_t n = 0;
    for (const Value &v : l.values) {
      parts.push_back(space_pieces(v.raw));
      if (parts.back().size() > 1 && !all_numbers(parts.back())) return false;
      n += std::max<size_t>(parts.back().size(), 1);
    }
    if (n != want) return false;
    std::vector<Value> out;
    for (size_t i = 0; i < l.values.size(); ++i) {
      if (parts[i].size() <= 1) {
        out.push_back(std::move(l.values[i]));
        continue;
      }
      for (std::string_view t : parts[i]) out.push_back(Value{clean_value(t), -1, l.values[i].lines, std::string(t)});
    }
    l.values = std::move(out);
    return true;
  }

  void analyse_ragged() {
    for (Line &l : lines_) ragged_split(l);
    // Headers: everything before the first line with values, and later lines
    // without values that hold more label pieces than there are open labels
    // to continue (a new section's header such as 信息内容 | 上一年项目数量).
    bool data_started = false;
    int depth = 0;  // labels the last data row could continue
    for (size_t i = 0; i < lines_.size(); ++i) {
      Line &l = lines_[i];
      const bool values = !l.values.empty();
      bool enumerated = false;
      for (const Frag &f : l.frags) enumerated = enumerated || f.level >= 0;
      if (values) {
        l.kind = Line::Kind::data;
        data_started = true;
        depth = std::max(1, static_cast<int>(l.frags.size()));
        for (const Frag &f : l.frags) depth = std::max(depth, f.level + 1);
        continue;
      }
      if (!data_started) {
        l.kind = enumerated ? Line::Kind::data : Line::Kind::header;
        continue;
      }
      if (!enumerated && l.frags.size() >= 2 && static_cast<int>(l.frags.size()) > depth) {
        l.kind = Line::Kind::header;
        data_started = false;
      } else {
        l.kind = Line::Kind::data;
      }
    }
    // A single label right before a header is the section title.
    for (size_t i = 0; i + 1 < lines_.size(); ++i) {
      Line &l = lines_[i];
      const bool after_header = i > 0 && lines_[i - 1].kind == Line::Kind::header;
      if (!after_header && l.values.empty() && l.frags.size() == 1 && l.frags[0].level < 0 &&
          lines_[i + 1].kind == Line::Kind::header)
        l.kind = Line::Kind::title;
    }
    for (Line &l : lines_)
      if (l.kind == Line::Kind::header)
        for (const std::string &x : l.rec->fields)
          if (!sdk::is_blank(x)) l.texts.emplace_back(-1, clean_label(x));
    // Join header fragments within each header run.
    std::vector<size_t> run;
    for (size_t i = 0; i <= lines_.size(); ++i) {
      if (i < lines_.size() && lines_[i].kind == Line::Kind::header) {
        run.push_back(i);
        continue;
      }
      join_header_fragments(run);
      run.clear();
    }
    // Values lost with empty cells: rows of a section should carry as many
    // values as most of its rows; a short one is right-aligned and reported.
    size_t s = 0;
    while (s < lines_.size()) {
      size_t e = s;
      while (e < lines_.size() && lines_[e].kind != Line::Kind::header) ++e;
      // Counted with the numbers glued to a row's label (take_glued_values):
      // where most rows of a narrow table have some, the mode is still the
      // table's width.
      std::map<size_t, int> counts;
      for (size_t i = s; i < e; ++i) {
        if (lines_[i].values.empty()) continue;
        std::string_view rest;
        size_t n = glued_numbers(lines_[i], rest).size();
        for (const Value &v : lines_[i].values) n += number_pieces(v.raw);
        ++counts[n];
      }
      size_t mode = 0;
      int best = 0;
      for (const auto &[k, c] : counts)
        if (c > best || (c == best && k > mode)) best = c, mode = k;
      for (size_t i = s; i < e; ++i) {
        Line &l = lines_[i];
        if (l.values.empty() || l.values.size() >= mode) continue;
        if (split_glued_numbers(l, mode) && l.values.size() >= mode) continue;
        if (take_glued_values(l, mode - l.values.size())) continue;
        doc_.diagnose(Severity::warning, l.rec->first, "ragged-row",
                      "row has " + std::to_string(l.values.size()) + " values where the table has " +
                          std::to_string(mode) + "; the missing ones are taken as blank cells on the left");
        std::vector<Value> padded(mode - l.values.size(), Value{"", -1, {l.rec->first, l.rec->last}});
        padded.insert(padded.end(), l.values.begin(), l.values.end());
        l.values = std::move(padded);
      }
      s = e + 1;
    }
  }

  // ---- logical rows and output

  void emit() {
    RowBuilder rb(doc_);
    for (const Line &l : lines_) {
      switch (l.kind) {
        case Line::Kind::header:
          rb.header(l, l.texts);
          continue;
        case Line::Kind::title:
          rb.title(l);
          continue;
        case Line::Kind::fragment:
          // In a header block: header text off the grid. Among data rows it
          // is read like a ragged line (a continuation, usually).
          if (!l.texts.empty()) {
            rb.header(l, l.texts);
            continue;
          }
          break;
        case Line::Kind::data:
          break;
      }
      bool enumerated = false;
      for (const Frag &f : l.frags) enumerated = enumerated || f.level >= 0;
      const bool values = std::any_of(l.values.begin(), l.values.end(), [](const Value &v) { return !v.text.empty(); });
      bool cont = false;
      if (rb.has_current() && !enumerated) {
        const bool cur_values = rb.current().has_values();
        const bool grid_line = fixed_ && l.rec->fields.size() >= width_;
        if (grid_line) {
          // On a fixed grid a row continues only across a page break, and only
          // in a table whose labels are enumerated (so 规章 / 规范性文件 stay
          // apart even when their values are blank).
          cont = l.page_break && rb.deepest_enumerated() && !(values && cur_values);
        } else if (!values) {
          cont = !l.frags.empty();
        } else {
          cont = !cur_values;
        }
      }
      if (cont)
        rb.extend(l, !(fixed_ && l.rec->fields.size() >= width_));
      else if (!l.frags.empty() || values || !l.values.empty())
        rb.start(l, fixed_ && l.rec->fields.size() >= width_);
    }
    std::vector<LogicalRow> rows = rb.take();
    if (rows.empty()) return;
    if (std::none_of(rows.begin(), rows.end(), [](const LogicalRow &r) { return r.kind == LogicalRow::Kind::data; }))
      doc_.diagnose(Severity::info, rows.front().lines.first, "no-data-rows",
                    "this table has header rows only: its cells are blank or missing");

    sdk::Table &t = doc_.add_table({recs_.front()->first, recs_.back()->last});
    for (const LogicalRow &lr : rows) {
      sdk::Row &row = t.add_row(lr.lines);
      row.cells.reserve(static_cast<size_t>(lr.leading_blank_labels) + lr.label_cols.size() + lr.labels.size() +
                        lr.values.size());
      if (lr.kind != LogicalRow::Kind::data) {
        for (const Label &lab : lr.labels) {
          Cell &c = row.add_cell(lab.text(), lab.lines());
          c.header = lr.kind == LogicalRow::Kind::header;
          c.column = lab.column;
        }
        continue;
      }
      if (fixed_) {
        emit_fixed_labels(row, lr);
      } else {
        for (int i = 0; i < lr.leading_blank_labels; ++i) row.add_cell("", {lr.lines.first, lr.lines.first});
        for (const Label &lab : lr.labels) row.add_cell(lab.text(), lab.lines()).column = lab.column;
      }
      for (const Value &v : lr.values) row.add_cell(v.text, v.lines).column = v.column;
    }
  }

  // On a grid, label cells keep their columns: one cell per label column of
  // the row's segment (empty where a merged label sits in an earlier row),
  // then labels that spilled into value columns.
  void emit_fixed_labels(sdk::Row &row, const LogicalRow &lr) {
    std::vector<bool> used(lr.labels.size(), false);
    for (int col : lr.label_cols) {
      bool any = false;
      for (size_t i = 0; i < lr.labels.size(); ++i) {
        if (used[i] || lr.labels[i].column != col) continue;
        row.add_cell(lr.labels[i].text(), lr.labels[i].lines()).column = col;
        used[i] = any = true;
      }
      if (!any) row.add_cell("", {lr.lines.first, lr.lines.first}).column = col;
    }
    for (size_t i = 0; i < lr.labels.size(); ++i)
      if (!used[i]) row.add_cell(lr.labels[i].text(), lr.labels[i].lines()).column = lr.labels[i].column;
  }

  RawDocument &doc_;
  std::vector<const Record *> recs_;
  std::vector<Line> lines_;
  std::deque<Record> padded_;  // lines padded to the grid width (stable addresses)
  std::vector<Segment> segments_;
  size_t width_ = 0;
  bool fixed_ = false;
};

// -------------------------------------------------------------- segmenting

class DocumentBuilder {
 public:
  DocumentBuilder(RawDocument &doc, const std::vector<Record> &recs) : doc_(doc), recs_(recs) {}

  void build() {
    decide_sheet();
    std::vector<int> role(recs_.size(), 0);  // 0 narrative, 1 table, 2 blank/rule
    for (size_t i = 0; i < recs_.size(); ++i) {
      const Record &r = recs_[i];
      if (r.blank || r.rule)
        role[i] = 2;
      else if (candidate(r))
        role[i] = 1;
    }
    // Blank lines around a page break (a page's bottom and the next one's top
    // margin) are no paragraph break: a table goes on across them.
    std::vector<bool> page_gap(recs_.size(), false);
    for (size_t a = 0; a < recs_.size();) {
      if (!recs_[a].blank) {
        ++a;
        continue;
      }
      size_t b = a;
      bool feed = false;
      for (; b < recs_.size() && recs_[b].blank; ++b) feed = feed || recs_[b].form_feed;
      feed = feed || (b < recs_.size() && recs_[b].form_feed);
      for (size_t k = a; k < b; ++k) page_gap[k] = feed;
      a = b;
    }
    // Table regions: from one candidate to the next, through blank lines and
    // through narrative-looking lines that belong to the table (section
    // titles, wrapped label text of pdftotext output).
    std::vector<std::pair<size_t, size_t>> regions;
    size_t i = 0;
    while (i < recs_.size()) {
      if (role[i] != 1) {
        ++i;
        continue;
      }
      size_t start = i;
      if (start > 0 && role[start - 1] == 0 && attach_before(start - 1, start)) --start;
      size_t end = i;  // last record of the region
      size_t j = i + 1;
      while (j < recs_.size()) {
        if (role[j] == 1) {
          end = j++;
          continue;
        }
        // Look through the gap up to the next candidate.
        size_t k = j;
        bool ok = true;
        bool blank_seen = false;
        while (k < recs_.size() && role[k] != 1) {
          if (role[k] == 2) {
            blank_seen = blank_seen || !page_gap[k];
          } else if (!attach_inside(k, blank_seen)) {
            ok = false;
            break;
          }
          ++k;
        }
        if (ok && k < recs_.size()) {
          end = k;
          j = k + 1;
          continue;
        }
        // The table ends: trailing lines directly under it may still belong.
        size_t t = j;
        while (t < recs_.size() && role[t] == 0 && attach_inside(t, false)) end = t++;
        break;
      }
      regions.emplace_back(start, end);
      i = end + 1;
    }
    // A region that is no table (one stray line with a TAB) stays narrative.
    std::vector<std::pair<size_t, size_t>> tables;
    for (const auto &[s, e] : regions) {
      int multi = 0, wide = 0;
      for (size_t k = s; k <= e; ++k) {
        if (recs_[k].nonempty >= 2) ++multi;
        if (recs_[k].nonempty >= 3) ++wide;
      }
      if (multi >= 2 || wide >= 1)
        tables.emplace_back(s, e);
      else
        doc_.diagnose(Severity::info, recs_[s].first, "not-a-table",
                      "a line with a TAB but no table around it; kept as text");
    }

    size_t next = 0;
    for (const auto &[s, e] : tables) {
      narrative(next, s);
      std::vector<const Record *> rs;
      for (size_t k = s; k <= e; ++k) rs.push_back(&recs_[k]);
      TableBuilder(doc_, std::move(rs)).build();
      next = e + 1;
    }
    narrative(next, recs_.size());
    if (tables.empty())
      doc_.diagnose(Severity::warning, 0, "no-table", "no TAB-separated table found; the text is kept as paragraphs");
  }

 private:
  // A spreadsheet export: nearly every line, blank ones included, has the
  // same wide field count. (A PDF table export alone may have one count too,
  // but its blank lines and narrative carry no TABs.)
  void decide_sheet() {
    std::map<size_t, int> counts;
    int total = 0, bare_blank = 0, tab_blank = 0;
    for (const Record &r : recs_) {
      if (r.blank) {
        ++(r.fields.size() <= 1 ? bare_blank : tab_blank);
        if (r.fields.size() <= 1) continue;
      }
      ++counts[r.fields.size()];
      ++total;
    }
    if (bare_blank > tab_blank) {
      sheet_ = false;
      return;
    }
    size_t mode = 0;
    int best = 0;
    for (const auto &[k, c] : counts)
      if (c > best) best = c, mode = k;
    sheet_ = total > 0 && mode >= 3 && best * 10 >= total * 8;
  }

  bool candidate(const Record &r) const {
    if (sheet_) return r.nonempty >= 2;
    return r.fields.size() >= 2;
  }

  // A title line right above a table's header ("第二十条第（一）项"), but not a
  // section heading ("三、收到和处理…") nor a sentence.
  bool attach_before(size_t k, size_t header) const {
    const Record &r = recs_[k];
    if (r.nonempty != 1) return false;
    const std::string t = first_text(r);
    if (sentence_like(t) || heading_level(t) == 1) return false;
    if (!looks_like_header(recs_[header])) return false;
    return true;
  }

  // A line without a table structure inside (or right under) a table:
  // a section title, a row whose values are all blank (spreadsheets), or a
  // wrapped piece of label (pdftotext). Never after a blank line (that is
  // where narrative between tables starts), never a sentence or heading.
  bool attach_inside(size_t k, bool blank_seen) const {
    if (blank_seen) return false;
    const Record &r = recs_[k];
    const std::string t = first_text(r);
    if (sentence_like(t)) return false;
    if (heading_level(t) == 1) {
      // "三、…" directly above a header is the next section's heading.
      size_t n = k + 1;
      while (n < recs_.size() && (recs_[n].blank || recs_[n].rule)) ++n;
      if (n < recs_.size() && looks_like_header(recs_[n])) return false;
      if (!sheet_ && r.form_feed) return false;
    }
    return true;
  }

  void narrative(size_t from, size_t to) {
    std::string para;
    LineRange where{};
    auto flush = [&] {
      if (!para.empty()) doc_.add_paragraph(sdk::remove_cjk_spaces(para), where);
      para.clear();
    };
    for (size_t k = from; k < to; ++k) {
      const Record &r = recs_[k];
      if (r.blank || r.rule) {
        flush();
        continue;
      }
      std::string text;
      for (const std::string &f : r.fields) {
        if (sdk::is_blank(f)) continue;
        text = text.empty() ? sdk::trim(f) : text + " " + sdk::trim(f);
      }
      text = join_lines(text);
      const int lvl = heading_level(text);
      const bool title = !seen_text_ && clean_label(text).find("报告") != std::string::npos && !sentence_like(text);
      seen_text_ = true;
      if (lvl > 0 || title) {
        flush();
        doc_.add_heading(clean_label(text), title ? 1 : lvl, {r.first, r.last});
        continue;
      }
      if (sheet_ || r.form_feed) flush();  // a spreadsheet line is one paragraph
      if (para.empty()) {
        para = text;
        where = {r.first, r.last};
      } else {
        append_piece(para, text);
        where.last = r.last;
      }
    }
    flush();
  }

  RawDocument &doc_;
  const std::vector<Record> &recs_;
  bool sheet_ = false;
  bool seen_text_ = false;
};

}  // namespace

// ------------------------------------------------------------------ public

// A value cell (number, with unit or sign, or a placeholder) is what the SDK's
// cell toolkit says it is; a blank is not a value here (it holds nothing).
bool is_value_like(std::string_view text) { return !sdk::is_blank(text) && sdk::is_value(text); }

int enumerator_level(std::string_view text) {
  thread_local std::u32string buf;
  const std::u32string_view u = decode(sdk::trim_view(text), buf);
  size_t len = 0;
  return enumerator_at(u, len);
}

std::string join_pieces(std::string_view a, std::string_view b) {
  const std::string ta = sdk::trim(a);
  const std::string tb = sdk::trim(b);
  if (ta.empty()) return tb;
  if (tb.empty()) return ta;
  const char32_t last = sdk::last_code_point(ta), first = sdk::first_code_point(tb);
  const bool glue =
      is_cjk(last) || is_cjk(first) || is_open_paren(first) || is_close_paren(first) || is_open_paren(last);
  std::string out;
  out.reserve(ta.size() + tb.size() + 1);
  out += ta;
  if (!glue) out += ' ';
  out += tb;
  return out;
}

double probe(std::string_view text) {
  // A prefix is enough: the tables sit in the first pages.
  constexpr size_t kPrefix = 256 * 1024;
  if (text.size() > kPrefix) {
    text = text.substr(0, kPrefix);
    const size_t nl = text.rfind('\n');
    if (nl != std::string_view::npos) text = text.substr(0, nl);
  }
  const std::optional<std::string> tabbed_pipes = pipes_as_tabs(text);
  if (tabbed_pipes) text = *tabbed_pipes;
  int nonblank = 0, tabbed = 0, word_cells = 0, tab_led = 0;
  std::map<size_t, int> counts;
  for (std::string_view line : sdk::split_lines(text)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == '\f')) line.remove_suffix(1);
    bool content = false;
    for (char ch : line)
      if (ch != '\t' && ch != ' ' && ch != '\f') {
        content = true;
        break;
      }
    if (!content) continue;
    ++nonblank;
    size_t tabs = 0;  // memchr jumps from TAB to TAB
    for (size_t at = line.find('\t'); at != std::string_view::npos; at = line.find('\t', at + 1)) ++tabs;
    if (tabs == 0) continue;
    if (line.front() == '\t' && tabs == 1) {
      ++word_cells;  // Tika's "cell per line" form
      continue;
    }
    ++tabbed;
    if (line.front() == '\t') ++tab_led;
    ++counts[tabs];
  }
  if (nonblank == 0 || tabbed < 4) return tabbed > 0 ? 0.1 : 0.0;
  if (word_cells > tabbed) return 0.1;
  // Consistent structure: most tabbed lines share a few field counts.
  std::vector<int> c;
  for (const auto &[k, v] : counts) c.push_back(v);
  std::sort(c.rbegin(), c.rend());
  int top = 0;
  for (size_t k = 0; k < c.size() && k < 4; ++k) top += c[k];
  const double consistency = static_cast<double>(top) / tabbed;
  const double share = std::min(1.0, static_cast<double>(tabbed) / (0.25 * nonblank));
  double score = 0.35 + 0.6 * share * consistency;
  // Every tabbed line starting with a TAB is Tika's "row per line" form.
  if (tab_led == tabbed) score = std::min(score, 0.3);
  return std::clamp(score, 0.0, 0.95);
}

void parse(std::string_view text, RawDocument &doc) {
  if (text.find('\0') != std::string_view::npos)
    throw sdk::Error(DOCPIPE_ERR_INPUT, "the input holds NUL bytes: a binary file, not a text export");
  if (sdk::is_blank(text)) throw sdk::Error(DOCPIPE_ERR_INPUT, "the input is empty");
  // Pipe rows are records whose fields pipes separate.
  const std::optional<std::string> tabbed_pipes = pipes_as_tabs(text);
  std::vector<Record> recs = read_records(tabbed_pipes ? std::string_view(*tabbed_pipes) : text, doc);
  drop_page_numbers(recs, doc);
  drop_repeated_headers(recs, doc);
  DocumentBuilder(doc, recs).build();
  if (doc.blocks().empty()) throw sdk::Error(DOCPIPE_ERR_INPUT, "nothing usable in the input");
}

}  // namespace docpipe::tsv
