// The workbook writer of the xlsx plugin: cells, merges, column widths,
// frozen panes and autofilters of a few sheets, written as an XLSX package
// in memory and to the file in one go.
//
// It writes the parts that libxlsxwriter 1.1.4 wrote for this plugin, byte
// for byte once unzipped (same shared strings, styles, cell order and XML),
// so every reader sees the same workbook. libxlsxwriter itself cost about
// 15 million instructions a workbook (three quarters of this plugin): each of
// its ~14 parts staged in a temporary file, formatted with fprintf, read back
// and deflated at zlib's default level with fresh zlib state; a bulk run
// writes one small workbook per report, so that fixed cost dominated.
//
// Problems (a string longer than Excel allows, a cell outside the sheet) are
// docpipe::sdk::Error(DOCPIPE_ERR_OUTPUT) naming the sheet and cell. Every
// object lives inside one Workbook, which belongs to one write call: nothing
// is shared between threads.
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <ctime>
#include <docpipe/sdk/text.hpp>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "support/model.hpp"
#include "theme.hpp"
#include "zip.hpp"

namespace docpipe::outputs::xlsx {

// Excel's sheet name rules: 1..31 characters (UTF-16 units), none of
// [ ] : * ? / \, not beginning or ending with an apostrophe, unique without
// regard to case, and not the reserved "History". libxlsxwriter rejects some
// of these and silently accepts others (an empty name), so every name goes
// through here.
class SheetNames {
 public:
  std::string make(std::string_view wanted) {
    std::u32string name;
    for (char32_t c : sdk::to_u32(wanted)) {
      const bool forbidden =
          c == '[' || c == ']' || c == ':' || c == '*' || c == '?' || c == '/' || c == '\\' || c < 0x20;
      name += forbidden ? U'_' : c;
    }
    while (!name.empty() && name.front() == U'\'') name.erase(0, 1);
    while (!name.empty() && name.back() == U'\'') name.pop_back();
    if (name.empty()) name = U"sheet";
    if (lower(name) == U"history") name += U"_";

    std::u32string candidate = truncate(name, kMaxUnits);
    for (int n = 2; used_.count(lower(candidate)) != 0; ++n) {
      const std::u32string suffix = sdk::to_u32(" (" + std::to_string(n) + ")");
      candidate = truncate(name, kMaxUnits - units(suffix)) + suffix;
    }
    used_.insert(lower(candidate));
    return sdk::to_utf8(candidate);
  }

 private:
  static constexpr int kMaxUnits = 31;
  static int units(std::u32string_view s) {
    int n = 0;
    for (char32_t c : s) n += c > 0xFFFF ? 2 : 1;
    return n;
  }
  static std::u32string truncate(std::u32string s, int max_units) {
    while (units(s) > max_units) s.pop_back();
    // A cut can leave a trailing apostrophe, which Excel refuses.
    while (!s.empty() && s.back() == U'\'') s.pop_back();
    return s;
  }
  // Case folding of ASCII only: the names we make are Chinese or ASCII.
  static std::u32string lower(std::u32string s) {
    for (char32_t &c : s) {
      if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    }
    return s;
  }
  std::set<std::u32string> used_;
};

// Excel's limits, as libxlsxwriter checks them.
inline constexpr uint32_t kMaxRows = 1048576;
inline constexpr uint32_t kMaxCols = 16384;
inline constexpr size_t kMaxStringChars = 32767;
// Column widths are counted up to this many characters (the widest column
// the plugin makes is 80).
inline constexpr int kFitCap = 100;

// The cell formats of the plugin. A format gets its style index when a cell
// using it is first written out (sheet by sheet, row by row), as in
// libxlsxwriter, so styles.xml lists only the formats in use.
enum class Format : uint8_t {
  none,    // the default: no style attribute
  header,  // header / label cells: bold, centred, wrapped, bordered
  text,    // body text: wrapped, top-aligned, bordered
  number,  // body numbers: bordered
  absent,  // a grid position that is no template cell: grey
  bold,    // column titles of the list sheets
  wrap,    // list-sheet text that may hold line breaks
  fail,    // a failed identity
};
inline constexpr int kFormats = 8;

struct Formats {
  Format none = Format::none, header = Format::header, text = Format::text, number = Format::number,
         absent = Format::absent, bold = Format::bold, wrap = Format::wrap, fail = Format::fail;
};

namespace xml {

// Element text: & < > (what libxlsxwriter escapes).
inline void data(std::string &out, std::string_view s) {
  size_t from = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char *rep = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : nullptr;
    if (rep == nullptr) continue;
    out.append(s.data() + from, i - from);
    out += rep;
    from = i + 1;
  }
  out.append(s.data() + from, s.size() - from);
}

// Attribute values: & < > ".
inline void attr(std::string &out, std::string_view s) {
  size_t from = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char *rep = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '"' ? "&quot;" : nullptr;
    if (rep == nullptr) continue;
    out.append(s.data() + from, i - from);
    out += rep;
    from = i + 1;
  }
  out.append(s.data() + from, s.size() - from);
}

inline void num(std::string &out, uint64_t v) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

// A double as printf's %.16G writes it (libxlsxwriter's format), without the
// locale: to_chars with a precision is defined as %.16g.
inline void dbl(std::string &out, double v) {
  char buf[40];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 16);
  for (char *p = buf; p != res.ptr; ++p) {
    if (*p >= 'a' && *p <= 'z') *p = static_cast<char>(*p - 'a' + 'A');
  }
  out.append(buf, res.ptr);
}

inline void col_name(std::string &out, uint32_t col) {
  char buf[4];
  int n = 0;
  for (uint32_t c = col + 1; c > 0; c = (c - 1) / 26) buf[n++] = static_cast<char>('A' + (c - 1) % 26);
  while (n > 0) out += buf[--n];
}

// "B3", or "$B$3" when absolute.
inline void cell(std::string &out, uint32_t row, uint32_t col, bool absolute = false) {
  if (absolute) out += '$';
  col_name(out, col);
  if (absolute) out += '$';
  num(out, static_cast<uint64_t>(row) + 1);
}

// "A1:C4", or just "A1" for one cell.
inline void range(std::string &out, uint32_t r1, uint32_t c1, uint32_t r2, uint32_t c2, bool absolute = false) {
  cell(out, r1, c1, absolute);
  if (r1 == r2 && c1 == c2) return;
  out += ':';
  cell(out, r2, c2, absolute);
}

}  // namespace xml

inline std::string cell_name(uint32_t row, uint32_t col) {
  std::string s;
  xml::cell(s, row, col);
  return s;
}

// The shared string table: each distinct string once, numbered in the order
// first written (overwritten cells included, as libxlsxwriter does).
class SharedStrings {
 public:
  uint32_t index(std::string_view s) {
    ++count_;
    const auto it = index_.find(s);
    if (it != index_.end()) return it->second;
    const auto n = static_cast<uint32_t>(strings_.size());
    strings_.push_back(std::make_unique<std::string>(s));
    index_.emplace(*strings_.back(), n);
    return n;
  }
  bool empty() const { return strings_.empty(); }

  void write(std::string &out) const {
    out +=
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"";
    xml::num(out, count_);
    out += "\" uniqueCount=\"";
    xml::num(out, strings_.size());
    out += "\">";
    for (const auto &p : strings_) {
      const std::string_view str = *p;
      // Leading or trailing white space is kept only when marked so; the
      // other white space characters are controls, escaped below.
      const bool preserve = !str.empty() && (kept_space(str.front()) || kept_space(str.back()));
      out += preserve ? "<si><t xml:space=\"preserve\">" : "<si><t>";
      // One pass: & < > as entities, control characters other than TAB
      // and LF as _xHHHH_ (libxlsxwriter's order: the latter first).
      size_t from = 0;
      for (size_t i = 0; i < str.size(); ++i) {
        const auto c = static_cast<unsigned char>(str[i]);
        if (kClass[c] == 0) continue;
        out.append(str.data() + from, i - from);
        from = i + 1;
        if (kClass[c] == 2) {
          static constexpr char hex[] = "0123456789ABCDEF";
          const char esc[] = {'_', 'x', '0', '0', hex[c >> 4], hex[c & 0xF], '_'};
          out.append(esc, sizeof esc);
        } else {
          out += c == '&' ? "&amp;" : c == '<' ? "&lt;" : "&gt;";
        }
      }
      out.append(str.data() + from, str.size() - from);
      out += "</t></si>";
    }
    out += "</sst>";
  }

 private:
  static bool kept_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }
  // 0 as is, 1 an XML entity, 2 a control character.
  static constexpr auto kClass = [] {
    std::array<uint8_t, 256> t{};
    for (int c = 0x01; c <= 0x1F; ++c) t[c] = c == '\t' || c == '\n' ? 0 : 2;
    t['&'] = t['<'] = t['>'] = 1;
    return t;
  }();

  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::unique_ptr<std::string>> strings_;  // stable keys for index_
  std::unordered_map<std::string_view, uint32_t, Hash, std::equal_to<>> index_;
  uint64_t count_ = 0;
};

// One worksheet, plus what it takes to size its columns: the widest line of
// text seen in each column, in display columns (a CJK character counts 2,
// which is also about its width in Excel's default font).
class Sheet {
 public:
  Sheet(SharedStrings &sst, std::string name) : sst_(&sst), name_(std::move(name)) {}

  const std::string &name() const { return name_; }

  void text(int r, int c, std::string_view s, Format f) {
    if (s.empty()) return blank(r, c, f);
    put_string(r, c, s, f);
    fit(c, s);
  }
  void number(int r, int c, double v, Format f, std::string_view shown) {
    put(r, c, Kind::number, f).number = v;
    fit(c, shown);
  }
  void blank(int r, int c, Format f) {
    // Without a format a blank cell writes nothing at all, which is fine.
    if (f != Format::none) put(r, c, Kind::blank, f);
  }
  // A merged range: the text in its first cell, formatted blanks in the
  // others. Its text (or number, written afterwards over the first cell) is
  // not used for sizing, since it spreads over several columns.
  void merge(int r1, int c1, int r2, int c2, std::string_view s, Format f) {
    if (r1 > r2) std::swap(r1, r2);
    if (c1 > c2) std::swap(c1, c2);
    if (r1 == r2 && c1 == c2) fail(r1, c1, "a single cell cannot be merged (merge)");
    bounds(r1, c1);
    bounds(r2, c2, " (merge)");
    extend(r2, c2);
    merges_.push_back(Range{static_cast<uint32_t>(r1), static_cast<uint32_t>(c1), static_cast<uint32_t>(r2),
                            static_cast<uint32_t>(c2)});
    if (s.empty())
      blank(r1, c1, f);
    else
      put_string(r1, c1, s, f);
    for (int r = r1; r <= r2; ++r) {
      for (int c = c1; c <= c2; ++c) {
        if (r != r1 || c != c1) blank(r, c, f);
      }
    }
  }
  void merged_number(int r, int c, double v, Format f) { put(r, c, Kind::number, f).number = v; }

  void freeze(int rows, int cols) {
    if (rows > 0 || cols > 0) {
      freeze_rows_ = static_cast<uint32_t>(std::max(rows, 0));
      freeze_cols_ = static_cast<uint32_t>(std::max(cols, 0));
    }
  }
  void autofilter(int r1, int c1, int r2, int c2) {
    if (r1 > r2) std::swap(r1, r2);
    if (c1 > c2) std::swap(c1, c2);
    bounds(r1, c1, " (autofilter)");
    bounds(r2, c2, " (autofilter)");
    filter_ = Range{static_cast<uint32_t>(r1), static_cast<uint32_t>(c1), static_cast<uint32_t>(r2),
                    static_cast<uint32_t>(c2)};
    has_filter_ = true;
  }

  void fit(int c, std::string_view s) {
    if (c >= static_cast<int>(width_.size())) width_.resize(c + 1, 0);
    int &w = width_[c];
    if (w >= kFitCap) return;  // wider than any column gets
    while (true) {             // the widest line
      const size_t nl = s.find('\n');
      const std::string_view line = s.substr(0, nl);
      // No character is wider than its UTF-8 bytes: a line of no more
      // bytes than the width so far cannot widen the column.
      if (line.size() > static_cast<size_t>(w)) w = std::max(w, sdk::display_width(line));
      if (nl == std::string_view::npos) break;
      s.remove_prefix(nl + 1);
    }
  }
  // Sets every column seen to its text width plus a margin, within limits;
  // longer text wraps (every text format wraps).
  void size_columns(int min_width = 6, int max_width = 40) {
    if (width_.size() > kMaxCols) fail(0, static_cast<int>(kMaxCols), " (column width)");
    max_width = std::min(max_width, kFitCap);  // fit() stops counting there
    for (size_t c = 0; c < width_.size(); ++c) {
      columns_.push_back(Column{static_cast<uint32_t>(c), std::clamp(width_[c] + 2, min_width, max_width)});
    }
  }

  // Serialisation, by the Workbook.
  struct Range {
    uint32_t r1, c1, r2, c2;
  };
  bool has_filter() const { return has_filter_; }
  const Range &filter() const { return filter_; }

  // The worksheet part. `xf` maps a format to its style index, assigning
  // the next one on first use.
  template <class Xf>
  void write(std::string &out, bool selected, Xf &&xf) {
    out +=
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><dimension ref=\"";
    if (!dims_)
      out += "A1";
    else
      xml::range(out, row_min_, col_min_, row_max_, col_max_);
    out += "\"/><sheetViews><sheetView ";
    if (selected) out += "tabSelected=\"1\" ";
    out += "workbookViewId=\"0\"";
    write_panes(out);
    out += "</sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>";
    if (!columns_.empty()) {
      out += "<cols>";
      for (const Column &c : columns_) {
        out += "<col min=\"";
        xml::num(out, c.col + 1);
        out += "\" max=\"";
        xml::num(out, c.col + 1);
        out += "\" width=\"";
        xml::dbl(out, excel_width(c.width));
        out += "\" customWidth=\"1\"/>";
      }
      out += "</cols>";
    }
    write_cells(out, xf);
    if (has_filter_) {
      out += "<autoFilter ref=\"";
      xml::range(out, filter_.r1, filter_.c1, filter_.r2, filter_.c2);
      out += "\"/>";
    }
    if (!merges_.empty()) {
      out += "<mergeCells count=\"";
      xml::num(out, merges_.size());
      out += "\">";
      for (const Range &m : merges_) {
        out += "<mergeCell ref=\"";
        xml::range(out, m.r1, m.c1, m.r2, m.c2);
        out += "\"/>";
      }
      out += "</mergeCells>";
    }
    out +=
        "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" "
        "footer=\"0.3\"/></worksheet>";
  }

 private:
  enum class Kind : uint8_t { blank, string, number };
  struct Cell {
    uint32_t row, col, seq;
    Kind kind;
    Format format;
    uint32_t sst;
    double number;
  };
  struct Column {
    uint32_t col;
    int width;
  };

  void put_string(int r, int c, std::string_view s, Format f) {
    bounds(r, c);
    // Excel's limit is in characters; count UTF-8 lead bytes only when the
    // byte count could exceed it.
    if (s.size() > kMaxStringChars) {
      size_t chars = 0;
      for (unsigned char ch : s) chars += (ch & 0xC0) != 0x80;
      if (chars > kMaxStringChars) fail(r, c, ": string exceeds Excel's limit of 32,767 characters");
    }
    put(r, c, Kind::string, f).sst = sst_->index(s);
  }
  Cell &put(int r, int c, Kind kind, Format f) {
    bounds(r, c);
    extend(r, c);
    cells_.push_back(
        Cell{static_cast<uint32_t>(r), static_cast<uint32_t>(c), static_cast<uint32_t>(cells_.size()), kind, f, 0, 0});
    return cells_.back();
  }
  void bounds(int r, int c, const char *what = "") const {
    if (r < 0 || c < 0 || static_cast<uint32_t>(r) >= kMaxRows || static_cast<uint32_t>(c) >= kMaxCols) {
      fail(r, c, std::string(what) + ": row or column index out of range");
    }
  }
  void extend(int r, int c) {
    const auto row = static_cast<uint32_t>(r), col = static_cast<uint32_t>(c);
    if (!dims_) {
      row_min_ = row_max_ = row;
      col_min_ = col_max_ = col;
      dims_ = true;
      return;
    }
    row_min_ = std::min(row_min_, row);
    row_max_ = std::max(row_max_, row);
    col_min_ = std::min(col_min_, col);
    col_max_ = std::max(col_max_, col);
  }
  [[noreturn]] void fail(int r, int c, const std::string &what) const {
    const std::string where = r >= 0 && c >= 0 ? " cell " + cell_name(r, c) : "";
    throw Error(DOCPIPE_ERR_OUTPUT, "xlsx: sheet " + name_ + where + what);
  }

  // libxlsxwriter's conversion of a width in characters to the stored one
  // (7-pixel digits, 5 pixels of padding, in 1/256 steps).
  static double excel_width(int width) {
    const double w = width;
    const auto pixels = static_cast<uint16_t>(static_cast<uint16_t>(w * 7 + 0.5) + 5);
    return static_cast<uint16_t>(pixels / 7.0 * 256.0) / 256.0;
  }

  void write_panes(std::string &out) const {
    if (freeze_rows_ == 0 && freeze_cols_ == 0) {
      out += "/>";
      return;
    }
    const uint32_t rows = freeze_rows_, cols = freeze_cols_;
    const char *active = rows > 0 && cols > 0 ? "bottomRight" : rows > 0 ? "bottomLeft" : "topRight";
    out += "><pane ";
    if (cols > 0) {
      out += "xSplit=\"";
      xml::num(out, cols);
      out += "\" ";
    }
    if (rows > 0) {
      out += "ySplit=\"";
      xml::num(out, rows);
      out += "\" ";
    }
    out += "topLeftCell=\"";
    xml::cell(out, rows, cols);
    out += "\" activePane=\"";
    out += active;
    out += "\" state=\"frozen\"/>";
    if (rows > 0 && cols > 0) {
      out += "<selection pane=\"topRight\" activeCell=\"";
      xml::cell(out, 0, cols);
      out += "\" sqref=\"";
      xml::cell(out, 0, cols);
      out += "\"/><selection pane=\"bottomLeft\" activeCell=\"";
      xml::cell(out, rows, 0);
      out += "\" sqref=\"";
      xml::cell(out, rows, 0);
      out += "\"/>";
    }
    out += "<selection pane=\"";
    out += active;
    out += "\"/></sheetView>";
  }

  // Rows in order, each with its cells in order; of several writes to one
  // cell the last one counts. `spans` is the column range of each block of
  // 16 rows, which Excel reads as a loading hint.
  template <class Xf>
  void write_cells(std::string &out, Xf &xf) {
    std::sort(cells_.begin(), cells_.end(), [](const Cell &a, const Cell &b) {
      if (a.row != b.row) return a.row < b.row;
      if (a.col != b.col) return a.col < b.col;
      return a.seq < b.seq;
    });
    auto last_of = [&](size_t i) {
      return i + 1 == cells_.size() || cells_[i + 1].row != cells_[i].row || cells_[i + 1].col != cells_[i].col;
    };
    if (cells_.empty()) {
      out += "<sheetData/>";
      return;
    }
    std::vector<std::pair<uint32_t, uint32_t>> spans;  // per block of 16 rows: first, last column
    for (size_t i = 0; i < cells_.size(); ++i) {
      if (!last_of(i)) continue;
      const Cell &c = cells_[i];
      const size_t block = c.row / 16;
      if (block >= spans.size()) spans.resize(block + 1, {UINT32_MAX, 0});
      spans[block].first = std::min(spans[block].first, c.col);
      spans[block].second = std::max(spans[block].second, c.col);
    }
    out += "<sheetData>";
    uint32_t row = UINT32_MAX;
    for (size_t i = 0; i < cells_.size(); ++i) {
      if (!last_of(i)) continue;
      const Cell &c = cells_[i];
      if (c.row != row) {
        if (row != UINT32_MAX) out += "</row>";
        row = c.row;
        out += "<row r=\"";
        xml::num(out, static_cast<uint64_t>(row) + 1);
        out += "\" spans=\"";
        xml::num(out, spans[row / 16].first + 1);
        out += ':';
        xml::num(out, spans[row / 16].second + 1);
        out += "\">";
      }
      out += "<c r=\"";
      xml::cell(out, c.row, c.col);
      out += '"';
      if (c.format != Format::none) {
        out += " s=\"";
        xml::num(out, xf(c.format));
        out += '"';
      }
      switch (c.kind) {
        case Kind::blank:
          out += "/>";
          break;
        case Kind::string:
          out += " t=\"s\"><v>";
          xml::num(out, c.sst);
          out += "</v></c>";
          break;
        case Kind::number:
          out += "><v>";
          xml::dbl(out, c.number);
          out += "</v></c>";
          break;
      }
    }
    out += "</row></sheetData>";
  }

  SharedStrings *sst_;
  std::string name_;
  std::vector<int> width_;
  std::vector<Cell> cells_;
  std::vector<Range> merges_;
  std::vector<Column> columns_;
  bool dims_ = false;
  uint32_t row_min_ = 0, row_max_ = 0, col_min_ = 0, col_max_ = 0;
  uint32_t freeze_rows_ = 0, freeze_cols_ = 0;
  bool has_filter_ = false;
  Range filter_{};
};

class Workbook {
 public:
  // The `created` document property is fixed so that the same model always
  // gives the same bytes. 2020-01-01T00:00:00Z.
  static constexpr const char *kCreated = "2020-01-01T00:00:00Z";
  // zlib level 1 by default: about twice as fast as the default level 6 on
  // these parts, for files some 10% larger (15.2 KB against 13.8 KB for a
  // lean workbook). 0 stores the parts (some 6 times larger, no deflate
  // time), 9 is the smallest.
  static constexpr int kDefaultLevel = 1;

  Workbook(std::string path, std::string title, int level = kDefaultLevel)
      : path_(std::move(path)), title_(std::move(title)), level_(level) {}

  Workbook(const Workbook &) = delete;
  Workbook &operator=(const Workbook &) = delete;

  Sheet &add_sheet(std::string_view wanted) {
    sheets_.push_back(std::make_unique<Sheet>(sst_, names_.make(wanted)));
    return *sheets_.back();
  }

  const Formats &formats() const { return formats_; }

  // Assembles the package and writes the file.
  void close() {
    Zip zip(level_);
    std::string part;
    part.reserve(64 * 1024);
    // The parts in libxlsxwriter's order; styles after the sheets, which
    // number the formats as they use them.
    auto add = [&](std::string_view name) {
      zip.add(name, part);
      part.clear();
    };
    content_types(part);
    add("[Content_Types].xml");
    part +=
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" "
        "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
        "Target=\"xl/workbook.xml\"/><Relationship Id=\"rId2\" "
        "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" "
        "Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" "
        "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" "
        "Target=\"docProps/app.xml\"/></Relationships>";
    add("_rels/.rels");
    workbook_rels(part);
    add("xl/_rels/workbook.xml.rels");
    int8_t xf[kFormats];
    std::fill(std::begin(xf), std::end(xf), -1);
    int next_xf = 1;  // 0 is the default format
    std::vector<Format> used;
    auto xf_of = [&](Format f) {
      int8_t &x = xf[static_cast<int>(f)];
      if (x < 0) {
        x = static_cast<int8_t>(next_xf++);
        used.push_back(f);
      }
      return static_cast<uint64_t>(x);
    };
    std::string name = "xl/worksheets/sheet";
    for (size_t i = 0; i < sheets_.size(); ++i) {
      sheets_[i]->write(part, i == 0, xf_of);
      name.resize(19);
      xml::num(name, i + 1);
      name += ".xml";
      add(name);
    }
    workbook_xml(part);
    add("xl/workbook.xml");
    if (!sst_.empty()) {
      sst_.write(part);
      add("xl/sharedStrings.xml");
    }
    if (level_ == kDefaultLevel) {
      zip.add("xl/theme/theme1.xml", theme());  // the same bytes every time
    } else {
      part += kTheme;
      add("xl/theme/theme1.xml");
    }
    styles(part, used);
    add("xl/styles.xml");
    core(part);
    add("docProps/core.xml");
    app(part);
    add("docProps/app.xml");
    write_file(path_, zip.finish());
  }

 private:
  static const Deflated &theme() {
    static const Deflated d = Zip::deflate_once(kTheme, kDefaultLevel);
    return d;
  }

  void content_types(std::string &out) const {
    static constexpr const char *kOoxml = "application/vnd.openxmlformats-officedocument.";
    out +=
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        "<Override PartName=\"/docProps/app.xml\" ContentType=\"";
    out += kOoxml;
    out +=
        "extended-properties+xml\"/><Override PartName=\"/docProps/core.xml\" "
        "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
        "<Override PartName=\"/xl/styles.xml\" ContentType=\"";
    out += kOoxml;
    out += "spreadsheetml.styles+xml\"/><Override PartName=\"/xl/theme/theme1.xml\" ContentType=\"";
    out += kOoxml;
    out += "theme+xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"";
    out += kOoxml;
    out += "spreadsheetml.sheet.main+xml\"/>";
    for (size_t i = 0; i < sheets_.size(); ++i) {
      out += "<Override PartName=\"/xl/worksheets/sheet";
      xml::num(out, i + 1);
      out += ".xml\" ContentType=\"";
      out += kOoxml;
      out += "spreadsheetml.worksheet+xml\"/>";
    }
    if (!sst_.empty()) {
      out += "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"";
      out += kOoxml;
      out += "spreadsheetml.sharedStrings+xml\"/>";
    }
    out += "</Types>";
  }

  void workbook_rels(std::string &out) const {
    out +=
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
    size_t id = 0;
    auto rel = [&](const char *type, std::string_view target, size_t n) {
      out += "<Relationship Id=\"rId";
      xml::num(out, ++id);
      out += "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
      out += type;
      out += "\" Target=\"";
      out += target;
      if (n > 0) {
        xml::num(out, n);
        out += ".xml";
      }
      out += "\"/>";
    };
    for (size_t i = 0; i < sheets_.size(); ++i) rel("worksheet", "worksheets/sheet", i + 1);
    rel("theme", "theme/theme1.xml", 0);
    rel("styles", "styles.xml", 0);
    if (!sst_.empty()) rel("sharedStrings", "sharedStrings.xml", 0);
    out += "</Relationships>";
  }

  void workbook_xml(std::string &out) const {
    out +=
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
        "<fileVersion appName=\"xl\" lastEdited=\"4\" lowestEdited=\"4\" rupBuild=\"4505\"/>"
        "<workbookPr defaultThemeVersion=\"124226\"/><bookViews><workbookView xWindow=\"240\" yWindow=\"15\" "
        "windowWidth=\"16095\" windowHeight=\"9660\"/></bookViews><sheets>";
    for (size_t i = 0; i < sheets_.size(); ++i) {
      out += "<sheet name=\"";
      xml::attr(out, sheets_[i]->name());
      out += "\" sheetId=\"";
      xml::num(out, i + 1);
      out += "\" r:id=\"rId";
      xml::num(out, i + 1);
      out += "\"/>";
    }
    out += "</sheets>";
    // An autofilter's hidden defined name, sorted as libxlsxwriter sorts
    // them: by the sheet name as the reference writes it (quoted if need
    // be), lower-cased.
    std::vector<std::pair<std::string, size_t>> filters;
    for (size_t i = 0; i < sheets_.size(); ++i) {
      if (!sheets_[i]->has_filter()) continue;
      std::string key = quoted(sheets_[i]->name());
      for (char &c : key) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      filters.emplace_back(std::move(key), i);
    }
    if (!filters.empty()) {
      std::stable_sort(filters.begin(), filters.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
      out += "<definedNames>";
      for (const auto &[key, i] : filters) {
        const Sheet::Range &f = sheets_[i]->filter();
        std::string ref = quoted(sheets_[i]->name());
        ref += '!';
        xml::range(ref, f.r1, f.c1, f.r2, f.c2, true);
        out += "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"";
        xml::num(out, i);
        out += "\" hidden=\"1\">";
        xml::data(out, ref);
        out += "</definedName>";
      }
      out += "</definedNames>";
    }
    out += "<calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>";
  }

  // A sheet name in a reference: quoted unless it is all letters, digits,
  // '_' and '.', with apostrophes doubled.
  static std::string quoted(const std::string &name) {
    const bool plain = std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    });
    if (plain) return name;
    std::string q = "'";
    for (char c : name) {
      q += c;
      if (c == '\'') q += '\'';
    }
    return q + "'";
  }

  // The formats in use, numbered 1.. in order of first use; fonts, fills
  // and borders each listed once, in order of first use too.
  static void styles(std::string &out, const std::vector<Format> &used) {
    struct Style {
      int font;     // 0 regular, 1 bold, 2 bold dark red
      int fill;     // 0 none, 1 grey, 2 light red
      bool border;  // thin all round
      const char *alignment;
    };
    auto style = [](Format f) -> Style {
      switch (f) {
        case Format::header:
          return {1, 0, true, "<alignment horizontal=\"center\" vertical=\"center\" wrapText=\"1\"/>"};
        case Format::text:
          return {0, 0, true, "<alignment vertical=\"top\" wrapText=\"1\"/>"};
        case Format::number:
          return {0, 0, true, "<alignment vertical=\"top\"/>"};
        case Format::absent:
          return {0, 1, true, nullptr};
        case Format::bold:
          return {1, 0, false, nullptr};
        case Format::wrap:
          return {0, 0, false, "<alignment vertical=\"top\" wrapText=\"1\"/>"};
        case Format::fail:
          return {2, 2, false, nullptr};
        case Format::none:
          break;
      }
      return {0, 0, false, nullptr};
    };
    static constexpr const char *kFont[] = {"", "<b/>", "<b/>"};
    static constexpr const char *kFontColor[] = {"<color theme=\"1\"/>", "<color theme=\"1\"/>",
                                                 "<color rgb=\"FF9C0006\"/>"};
    static constexpr const char *kFillColor[] = {"", "FFD9D9D9", "FFFFC7CE"};
    int font_id[3] = {0, -1, -1}, fill_id[3] = {0, -1, -1};
    std::vector<int> fonts{0}, fills;
    bool border = false;
    for (Format f : used) {
      const Style s = style(f);
      if (font_id[s.font] < 0) {
        font_id[s.font] = static_cast<int>(fonts.size());
        fonts.push_back(s.font);
      }
      if (s.fill > 0 && fill_id[s.fill] < 0) {
        fill_id[s.fill] = static_cast<int>(fills.size()) + 2;  // after "none" and "gray125"
        fills.push_back(s.fill);
      }
      border = border || s.border;
    }
    out +=
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><fonts count=\"";
    xml::num(out, fonts.size());
    out += "\">";
    for (int font : fonts) {
      out += "<font>";
      out += kFont[font];
      out += "<sz val=\"11\"/>";
      out += kFontColor[font];
      out += "<name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/></font>";
    }
    out += "</fonts><fills count=\"";
    xml::num(out, fills.size() + 2);
    out += "\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill>";
    for (int fill : fills) {
      out += "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"";
      out += kFillColor[fill];
      out += "\"/><bgColor indexed=\"64\"/></patternFill></fill>";
    }
    out += "</fills><borders count=\"";
    out += border ? "2" : "1";
    out += "\"><border><left/><right/><top/><bottom/><diagonal/></border>";
    if (border) {
      out +=
          "<border><left style=\"thin\"><color auto=\"1\"/></left><right style=\"thin\"><color auto=\"1\"/></right>"
          "<top style=\"thin\"><color auto=\"1\"/></top><bottom style=\"thin\"><color auto=\"1\"/></bottom>"
          "<diagonal/></border>";
    }
    out +=
        "</borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>"
        "</cellStyleXfs><cellXfs count=\"";
    xml::num(out, used.size() + 1);
    out += "\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>";
    for (Format f : used) {
      const Style s = style(f);
      out += "<xf numFmtId=\"0\" fontId=\"";
      xml::num(out, font_id[s.font]);
      out += "\" fillId=\"";
      xml::num(out, fill_id[s.fill]);
      out += "\" borderId=\"";
      out += s.border ? "1" : "0";
      out += "\" xfId=\"0\"";
      if (s.font > 0) out += " applyFont=\"1\"";
      if (s.fill > 0) out += " applyFill=\"1\"";
      if (s.border) out += " applyBorder=\"1\"";
      if (s.alignment != nullptr) {
        out += " applyAlignment=\"1\">";
        out += s.alignment;
        out += "</xf>";
      } else {
        out += "/>";
      }
    }
    out +=
        "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        "<dxfs count=\"0\"/><tableStyles count=\"0\" defaultTableStyle=\"TableStyleMedium9\" "
        "defaultPivotStyle=\"PivotStyleLight16\"/></styleSheet>";
  }

  void core(std::string &out) const {
    out +=
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
        "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">";
    if (!title_.empty()) {
      out += "<dc:title>";
      xml::data(out, title_);
      out += "</dc:title>";
    }
    out += "<dc:creator>docpipe</dc:creator><cp:lastModifiedBy>docpipe</cp:lastModifiedBy>";
    out += "<dcterms:created xsi:type=\"dcterms:W3CDTF\">";
    out += kCreated;
    out += "</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">";
    out += kCreated;
    out += "</dcterms:modified></cp:coreProperties>";
  }

  void app(std::string &out) const {
    out +=
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" "
        "xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">"
        "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        "<HeadingPairs><vt:vector size=\"2\" baseType=\"variant\"><vt:variant><vt:lpstr>Worksheets</vt:lpstr>"
        "</vt:variant><vt:variant><vt:i4>";
    xml::num(out, sheets_.size());
    out += "</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size=\"";
    xml::num(out, sheets_.size());
    out += "\" baseType=\"lpstr\">";
    for (const auto &s : sheets_) {
      out += "<vt:lpstr>";
      xml::data(out, s->name());
      out += "</vt:lpstr>";
    }
    out +=
        "</vt:vector></TitlesOfParts><Company></Company><LinksUpToDate>false</LinksUpToDate>"
        "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion>"
        "</Properties>";
  }

  std::string path_;
  std::string title_;
  int level_;
  SharedStrings sst_;
  std::vector<std::unique_ptr<Sheet>> sheets_;
  SheetNames names_;
  Formats formats_{};
};

}  // namespace docpipe::outputs::xlsx
