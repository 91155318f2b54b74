#include "reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <docpipe/sdk/plugin.hpp>
#include <docpipe/sdk/text.hpp>
#include <docpipe/sdk/zip.hpp>
#include <map>
#include <optional>
#include <pugixml.hpp>
#include <stdexcept>
#include <vector>

namespace docpipe::xlsx_input {
namespace {

constexpr size_t kMaxPartSize = 256u * 1024u * 1024u;  // inflated bytes of one XML part
constexpr int kMaxColumns = 16384;                     // Excel's XFD
constexpr int kMaxRows = 1048576;

[[noreturn]] void bad_input(const std::string &why) { throw sdk::Error(DOCPIPE_ERR_INPUT, why); }

// Element names without their prefix (the main namespace is nearly always
// the default one, but need not be).
std::string_view local(const pugi::xml_node n) {
  std::string_view s(n.name());
  const size_t colon = s.find(':');
  return colon == std::string_view::npos ? s : s.substr(colon + 1);
}
pugi::xml_node child(const pugi::xml_node n, std::string_view name) {
  for (pugi::xml_node c : n.children())
    if (local(c) == name) return c;
  return {};
}
const char *attr(const pugi::xml_node n, std::string_view name) {
  for (pugi::xml_attribute a : n.attributes()) {
    std::string_view s(a.name());
    const size_t colon = s.find(':');
    if ((colon == std::string_view::npos ? s : s.substr(colon + 1)) == name) return a.value();
  }
  return "";
}

pugi::xml_document parse_part(sdk::ZipArchive &zip, const std::string &name, bool required) {
  pugi::xml_document doc;
  std::optional<std::string> xml;
  try {
    xml = zip.read(name, kMaxPartSize);
  } catch (const std::exception &e) {
    bad_input(e.what());
  }
  if (!xml) {
    if (required) bad_input("not an .xlsx workbook: no " + name);
    return doc;
  }
  const pugi::xml_parse_result r = doc.load_buffer(xml->data(), xml->size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r) bad_input(name + ": malformed XML (" + r.description() + " at byte " + std::to_string(r.offset) + ")");
  return doc;
}

// The text of a rich or plain string (<si>, <is>): its <t> elements, not the
// phonetic runs (<rPh>).
std::string string_item(const pugi::xml_node si) {
  std::string out;
  for (pugi::xml_node c : si.children()) {
    if (local(c) == "t") {
      out += c.text().as_string();
    } else if (local(c) == "r") {
      for (pugi::xml_node t : c.children())
        if (local(t) == "t") out += t.text().as_string();
    }
  }
  return out;
}

// "C12" -> column 2 (0-based), row 12; false when malformed or off the sheet.
bool cell_ref(std::string_view ref, int &col, int &row) {
  size_t i = 0;
  col = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z') {
    col = col * 26 + (ref[i] - 'A' + 1);
    if (col > kMaxColumns) return false;
    ++i;
  }
  if (i == 0 || i == ref.size()) return false;
  row = 0;
  for (; i < ref.size(); ++i) {
    if (ref[i] < '0' || ref[i] > '9') return false;
    row = row * 10 + (ref[i] - '0');
    if (row > kMaxRows) return false;
  }
  --col;
  return row >= 1;
}

std::string builtin_format(int id) {
  switch (id) {
    case 1:
      return "0";
    case 2:
      return "0.00";
    case 3:
      return "#,##0";
    case 4:
      return "#,##0.00";
    case 9:
      return "0%";
    case 10:
      return "0.00%";
    case 49:
      return "@";
    default:
      return "General";
  }
}

struct Styles {
  std::vector<std::string> format_of_xf;  // cellXfs index -> format code
};

Styles read_styles(sdk::ZipArchive &zip) {
  Styles s;
  const pugi::xml_document doc = parse_part(zip, "xl/styles.xml", false);
  const pugi::xml_node sheet = doc.first_child();
  std::map<int, std::string> custom;
  for (pugi::xml_node f : child(sheet, "numFmts").children())
    if (local(f) == "numFmt") custom[std::atoi(attr(f, "numFmtId"))] = attr(f, "formatCode");
  for (pugi::xml_node xf : child(sheet, "cellXfs").children()) {
    if (local(xf) != "xf") continue;
    const int id = std::atoi(attr(xf, "numFmtId"));
    const auto it = custom.find(id);
    s.format_of_xf.push_back(it != custom.end() ? it->second : builtin_format(id));
  }
  return s;
}

struct Cell {
  std::string text;
  int rowspan = 1, colspan = 1;
  bool covered = false;                // inside a merged range, not its top-left cell
  bool origin = false;                 // top-left cell of a merged range
  int origin_row = 0, origin_col = 0;  // of the range covering this cell
};

struct Sheet {
  std::map<int, std::map<int, Cell>> rows;  // row -> column -> cell
};

}  // namespace

std::string format_number(std::string_view value, std::string_view format_code) {
  char *end = nullptr;
  const std::string v(value);
  const double x = std::strtod(v.c_str(), &end);
  if (end == v.c_str() || *end != '\0' || !std::isfinite(x)) return v;
  // The positive section of the code, without colours and literal text.
  std::string code(format_code.substr(0, format_code.find(';')));
  std::string plain;
  bool quoted = false;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == '[') {
      const size_t close = code.find(']', i);
      if (close == std::string::npos) break;
      i = close;
    } else if (!quoted && c == '\\') {
      ++i;
    } else if (!quoted) {
      plain += c;
    }
  }
  const bool general = plain.empty() || plain == "General" || plain == "@" ||
                       plain.find_first_of("yMdhsAP") != std::string::npos || plain.find('0') == std::string::npos;
  if (general) {
    // Excel's General: up to 11 significant digits, no trailing zeros.
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.11g", x);
    std::string s(buf);
    if (s.find('e') != std::string::npos) return v;
    return s;
  }
  const bool percent = plain.find('%') != std::string::npos;
  const size_t dot = plain.find('.');
  int decimals = 0;
  if (dot != std::string::npos)
    for (size_t i = dot + 1; i < plain.size() && (plain[i] == '0' || plain[i] == '#'); ++i) ++decimals;
  const bool thousands = plain.find(',') != std::string::npos && plain.find(',') < dot;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, percent ? x * 100 : x);
  std::string s(buf);
  if (s == "-0" || (s.rfind("-0.", 0) == 0 && s.find_first_not_of("-0.") == std::string::npos)) s.erase(0, 1);
  if (thousands) {
    const size_t sign = s[0] == '-' ? 1 : 0;
    size_t int_end = s.find('.');
    if (int_end == std::string::npos) int_end = s.size();
    for (size_t i = int_end; i > sign + 3; i -= 3) s.insert(i - 3, ",");
  }
  return percent ? s + "%" : s;
}

double probe(std::string_view bytes) {
  if (!sdk::looks_like_zip(bytes)) return 0.0;
  try {
    sdk::ZipArchive zip(bytes);
    return zip.has("xl/workbook.xml") ? 0.99 : 0.0;
  } catch (const std::exception &) {
    return 0.0;
  }
}

namespace {

Sheet read_sheet(const pugi::xml_node ws, const std::vector<std::string> &shared, const Styles &styles) {
  Sheet sheet;
  for (pugi::xml_node row : child(ws, "sheetData").children()) {
    if (local(row) != "row") continue;
    int next_col = 0;
    const int r_attr = std::atoi(attr(row, "r"));
    for (pugi::xml_node c : row.children()) {
      if (local(c) != "c") continue;
      int col = next_col, r = r_attr;
      const std::string_view ref = attr(c, "r");
      if (!ref.empty() && !cell_ref(ref, col, r)) bad_input("bad cell reference '" + std::string(ref) + "'");
      if (r < 1 || r > kMaxRows) bad_input("a row without a valid number");
      next_col = col + 1;
      const std::string_view type = attr(c, "t");
      const std::string v = child(c, "v").text().as_string();
      std::string text;
      if (type == "s") {
        const size_t i = static_cast<size_t>(std::atol(v.c_str()));
        if (v.empty() || i >= shared.size()) bad_input("cell " + std::string(ref) + ": no shared string " + v);
        text = shared[i];
      } else if (type == "inlineStr") {
        text = string_item(child(c, "is"));
      } else if (type == "str" || type == "e") {
        text = v;
      } else if (type == "b") {
        text = v == "1" ? "TRUE" : v.empty() ? "" : "FALSE";
      } else if (!v.empty()) {  // a number ("n" or no type)
        const size_t s = static_cast<size_t>(std::atol(attr(c, "s")));
        text = format_number(v, s < styles.format_of_xf.size() ? styles.format_of_xf[s] : "General");
      }
      sheet.rows[r][col].text += text;
    }
  }
  for (pugi::xml_node m : child(ws, "mergeCells").children()) {
    if (local(m) != "mergeCell") continue;
    const std::string ref = attr(m, "ref");
    const size_t colon = ref.find(':');
    int c1, r1, c2, r2;
    if (colon == std::string::npos || !cell_ref(ref.substr(0, colon), c1, r1) ||
        !cell_ref(ref.substr(colon + 1), c2, r2) || c2 < c1 || r2 < r1)
      bad_input("bad merged range '" + ref + "'");
    if (static_cast<long>(r2 - r1 + 1) * (c2 - c1 + 1) > 1000000) bad_input("merged range '" + ref + "' too large");
    Cell &o = sheet.rows[r1][c1];
    o.origin = true;
    o.rowspan = r2 - r1 + 1;
    o.colspan = c2 - c1 + 1;
    for (int r = r1; r <= r2; ++r)
      for (int c = c1; c <= c2; ++c)
        if (r != r1 || c != c1) {
          Cell &x = sheet.rows[r][c];
          x.covered = true;
          x.origin_row = r1;
          x.origin_col = c1;
          x.text.clear();  // Excel shows only the top-left cell's value
        }
  }
  return sheet;
}

class Emitter {
 public:
  explicit Emitter(sdk::RawDocument &doc) : doc_(doc) {}

  void sheet(const Sheet &s, int line_base) {
    // Regions: runs of rows that hold text or a merged range, cut at blank rows.
    std::vector<int> run;
    int prev = 0;
    for (const auto &[r, cells] : s.rows) {
      if (!row_used(cells)) continue;
      if (!run.empty() && r != prev + 1) {
        region(s, run, line_base);
        run.clear();
      }
      run.push_back(r);
      prev = r;
    }
    if (!run.empty()) region(s, run, line_base);
  }

 private:
  static bool row_used(const std::map<int, Cell> &cells) {
    for (const auto &[c, cell] : cells)
      if (cell.covered || cell.origin || !sdk::is_blank(cell.text)) return true;
    return false;
  }
  // A row of one cell of text and no merged range: a heading or a
  // paragraph, not a table row.
  static bool text_row(const std::map<int, Cell> &cells) {
    int n = 0;
    for (const auto &[c, cell] : cells) {
      if (cell.covered || cell.origin) return false;
      if (!sdk::is_blank(cell.text)) ++n;
    }
    return n == 1;
  }

  void text(const Sheet &s, int r, int line_base) {
    for (const auto &[c, cell] : s.rows.at(r)) {
      const std::string t = sdk::trim(cell.text);
      if (t.empty()) continue;
      const sdk::LineRange where{line_base + r, line_base + r};
      if (const int level = sdk::numbered_heading_level(t); level > 0)
        doc_.add_heading(t, level, where);
      else
        doc_.add_paragraph(t, where);
    }
  }

  void region(const Sheet &s, const std::vector<int> &rows, int line_base) {
    // Leading and trailing rows of one unmerged cell are text around the
    // table; a region of such rows only is text. A row of one cell merged
    // across the table ("第二十条第（一）项") is a table row.
    size_t a = 0, b = rows.size();
    auto is_text = [&](int r) { return text_row(s.rows.at(r)); };
    while (a < b && is_text(rows[a])) text(s, rows[a++], line_base);
    std::vector<int> trailing;
    while (b > a && is_text(rows[b - 1])) trailing.insert(trailing.begin(), rows[--b]);
    if (a < b) {
      // A region of single merged cells only (a title merged across the
      // page) is text as well.
      bool any_table_row = false;
      for (size_t i = a; i < b; ++i) {
        int n = 0;
        for (const auto &[c, cell] : s.rows.at(rows[i])) n += cell.covered ? 0 : 1;
        any_table_row |= n >= 2 || s.rows.at(rows[i]).begin()->second.rowspan > 1;
      }
      if (any_table_row)
        table(s, std::vector<int>(rows.begin() + static_cast<long>(a), rows.begin() + static_cast<long>(b)), line_base);
      else
        for (size_t i = a; i < b; ++i) text(s, rows[i], line_base);
    }
    for (int r : trailing) text(s, r, line_base);
  }

  void table(const Sheet &s, const std::vector<int> &rows, int line_base) {
    int first_col = kMaxColumns, last_col = -1;
    for (int r : rows)
      for (const auto &[c, cell] : s.rows.at(r))
        if (cell.covered || cell.origin || !sdk::is_blank(cell.text)) {
          first_col = std::min(first_col, c);
          last_col = std::max(last_col, c + cell.colspan - 1);
        }
    sdk::Table &t = doc_.add_table({line_base + rows.front(), line_base + rows.back()});
    for (int r : rows) {
      const int line = line_base + r;
      sdk::Row &row = t.add_row({line, line});
      const auto &cells = s.rows.at(r);
      for (int c = first_col; c <= last_col;) {
        const auto it = cells.find(c);
        if (it == cells.end()) {
          row.add_cell("", {line, line}).column = c - first_col;
          ++c;
          continue;
        }
        const Cell &cell = it->second;
        if (cell.covered) {
          // Covered from a row above: a blank cell as wide as the range
          // (the row keeps its width); covered from the left: part of the
          // range's own cell.
          const Cell &o = s.rows.at(cell.origin_row).at(cell.origin_col);
          if (cell.origin_row < r && c == std::max(cell.origin_col, first_col)) {
            sdk::Cell &blank = row.add_cell("", {line, line});
            blank.colspan = std::min(o.colspan - (c - cell.origin_col), last_col - c + 1);
            blank.column = c - first_col;
            c += blank.colspan;
          } else {
            ++c;
          }
          continue;
        }
        sdk::Cell &out = row.add_cell(sdk::trim(cell.text), {line, line + cell.rowspan - 1});
        out.rowspan = cell.rowspan;
        out.colspan = std::min(cell.colspan, last_col - c + 1);
        out.column = c - first_col;
        c += out.colspan;
      }
    }
  }

  sdk::RawDocument &doc_;
};

}  // namespace

void read(std::string_view bytes, sdk::RawDocument &doc) {
  const std::unique_ptr<sdk::ZipArchive> zip = sdk::open_package(bytes, "an .xlsx workbook");
  const pugi::xml_document wb = parse_part(*zip, "xl/workbook.xml", true);
  const pugi::xml_document rels = parse_part(*zip, "xl/_rels/workbook.xml.rels", true);
  std::map<std::string, std::string> target;
  for (pugi::xml_node r : rels.first_child().children())
    if (local(r) == "Relationship") target[attr(r, "Id")] = attr(r, "Target");
  std::vector<std::string> shared;
  {
    const pugi::xml_document sst = parse_part(*zip, "xl/sharedStrings.xml", false);
    for (pugi::xml_node si : sst.first_child().children())
      if (local(si) == "si") shared.push_back(string_item(si));
  }
  const Styles styles = read_styles(*zip);
  Emitter out(doc);
  int line_base = 0;
  for (pugi::xml_node sh : child(wb.first_child(), "sheets").children()) {
    if (local(sh) != "sheet") continue;
    const std::string_view state = attr(sh, "state");
    if (state == "hidden" || state == "veryHidden") continue;
    auto it = target.find(attr(sh, "id"));
    if (it == target.end()) bad_input(std::string("sheet '") + attr(sh, "name") + "' has no part");
    std::string part = it->second;
    if (part.rfind("/", 0) == 0)
      part.erase(0, 1);
    else
      part = "xl/" + part;
    const pugi::xml_document ws = parse_part(*zip, part, true);
    const Sheet sheet = read_sheet(ws.first_child(), shared, styles);
    out.sheet(sheet, line_base);
    if (!sheet.rows.empty()) line_base += sheet.rows.rbegin()->first;
  }
}

}  // namespace docpipe::xlsx_input
