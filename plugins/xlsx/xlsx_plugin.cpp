// Output plugin `xlsx`: one workbook, <stem>.xlsx, holding
//   metadata   where the data came from and the quality verdict;
//   table-N    each body table laid out as the model has it (merges for spans);
//   <title>    when the model has records: each template table in the
//              template's canonical layout, whatever the source's layout was;
//   values     the tidy records (as the values plugin writes them);
//   checks     every accounting identity and its terms.
// A number is written as a number only when the text is a plain number, so
// "1,234", "+5" or full-width "１２" stay exactly as the report wrote them.
#include <algorithm>
#include <charconv>
#include <docpipe/sdk/plugin.hpp>
#include <map>
#include <optional>
#include <utility>

#include "support/grid.hpp"
#include "support/model.hpp"
#include "support/xlsx_workbook.hpp"

namespace {

using namespace docpipe;
using namespace docpipe::outputs;
using namespace docpipe::outputs::xlsx;

// The value of `s` when it is a plain decimal number ("12", "-2", "0.35"):
// no sign other than a leading minus, no grouping, ASCII digits, no
// superfluous leading zero, and few enough digits that a double holds it
// exactly; "-0" stays text, since Excel would show it as "0".
std::optional<double> plain_number(std::string_view s) {
  size_t i = s.size() > 0 && s[0] == '-' ? 1 : 0;
  const size_t start = i;
  int digits = 0;
  bool nonzero = false;
  auto digit = [&](size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  while (digit(i)) {
    nonzero = nonzero || s[i] != '0';
    ++i, ++digits;
  }
  if (i == start || (s[start] == '0' && i - start > 1)) return std::nullopt;
  if (i < s.size() && s[i] == '.') {
    const size_t frac = ++i;
    while (digit(i)) {
      nonzero = nonzero || s[i] != '0';
      ++i, ++digits;
    }
    if (i == frac) return std::nullopt;
  }
  if (i != s.size() || digits > 15 || (start == 1 && !nonzero)) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// Any decimal the model states (record/@number, check/@expected), for the
// cells that are numbers by definition.
std::optional<double> model_number(std::string_view s) {
  double v = 0;
  if (s.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

// Splits a label path ("法人或其他组织/商业企业") into its levels. Some labels
// contain a literal "/" themselves: `本年增/减` is one column label, not a
// group "本年增" over a column "减". Such a "/" separates single characters
// of an alternative (增/减, 是/否), so a fragment of one character is joined
// back to its neighbour rather than taken as a level; no official label
// level is a single character.
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> levels;
  if (path.empty()) return levels;
  bool join_next = false;
  size_t begin = 0;
  while (true) {
    const size_t slash = path.find('/', begin);
    const std::string_view frag = path.substr(begin, slash == std::string_view::npos ? path.npos : slash - begin);
    const bool tiny = code_points(frag) <= 1;
    if (join_next || (tiny && !levels.empty())) {
      levels.back() += '/';
      levels.back() += frag;
      join_next = false;
    } else {
      levels.emplace_back(frag);
      join_next = tiny;  // a leading one-character fragment joins the next
    }
    if (slash == std::string_view::npos) break;
    begin = slash + 1;
  }
  return levels;
}

struct Record {
  std::string id, table, row, column, value, state, number, unit, placement, first_line;
  std::string correction;  // placement override: the cell's comment (where, why, what was read)
};

std::vector<Record> read_records(pugi::xml_node root) {
  std::vector<Record> out;
  for (pugi::xml_node r = root.child("records").child("record"); r; r = r.next_sibling("record")) {
    out.push_back(Record{attr(r, "id"), attr(r, "table"), attr(r, "row"), attr(r, "column"), attr(r, "value"),
                         attr(r, "state"), attr(r, "number"), attr(r, "unit"), attr(r, "placement"),
                         attr(r, "first-line"), ""});
    if (out.back().placement == "override") {
      const std::string note = attr(r, "note");
      out.back().correction = "Corrected by hand (" + attr(r, "override") + ")" + (note.empty() ? "" : ": " + note) +
                              (r.attribute("read") ? "\nread: '" + attr(r, "read") + "'" : "\nabsent from the source");
    }
  }
  return out;
}

void write_metadata(Workbook &wb, pugi::xml_node root) {
  const Formats &f = wb.formats();
  Sheet sheet = wb.add_sheet("metadata");
  int r = 0;
  // `numeric`: a field that is a number (a byte count, a year) is stored
  // as one when its text is a plain number.
  auto line = [&](std::string_view field, std::string_view value, bool numeric = false) {
    sheet.text(r, 0, field, f.bold);
    if (const auto n = numeric ? plain_number(value) : std::nullopt)
      sheet.number(r, 1, *n, nullptr, value);
    else
      sheet.text(r, 1, value, f.wrap);
    ++r;
  };
  const pugi::xml_node meta = root.child("metadata");
  const pugi::xml_node source = meta.child("source");
  const pugi::xml_node encoding = meta.child("encoding");
  const pugi::xml_node input = meta.child("input");
  const pugi::xml_node report = meta.child("report");
  const pugi::xml_node producer = meta.child("producer");
  const pugi::xml_node verdict = root.child("verdict");

  line("field", "value");
  line("source", attr(source, "path"));
  line("file", attr(source, "name"));
  line("sha256", attr(source, "sha256"));
  line("bytes", attr(source, "bytes"), true);
  line("encoding", attr(encoding, "name"));
  line("encoding BOM", attr(encoding, "bom"));
  line("line endings", attr(encoding, "line-endings"));
  line("encoding decision", attr(encoding, "decision"));
  line("input plugin", attr(input, "plugin") + " " + attr(input, "version"));
  line("input confidence", attr(input, "confidence"), true);
  line("template", attr(root.child("template"), "id"));
  line("template title", attr(root.child("template"), "title"));
  line("verdict", attr(verdict, "status"));
  for (pugi::xml_node reason = verdict.child("reason"); reason; reason = reason.next_sibling("reason")) {
    line("verdict reason", attr(reason, "code") + ": " + text_of(reason));
  }
  line("report title", attr(report, "title"));
  line("report agency", attr(report, "agency"));
  line("agency key", attr(report, "agency-key"));
  line("report year", attr(report, "year"), true);
  line("report date", attr(report, "date"));
  line("producer", attr(producer, "name") + " " + attr(producer, "version"));
  // What fits no template cell is listed here too, so that a workbook
  // without the raw table sheets still drops nothing silently.
  for (pugi::xml_node u = root.child("unmapped").child("item"); u; u = u.next_sibling("item")) {
    line("unmapped (line " + attr(u, "first-line") + ")", attr(u, "reason") + ": " + text_of(u));
  }
  sheet.freeze(1, 0);
  sheet.size_columns(8, 80);
  sheet.size_rows();
  sheet.print_layout(1);
}

// A body table exactly as the model lays it out.
void write_body_table(Workbook &wb, const Grid &grid, int index) {
  const Formats &f = wb.formats();
  Sheet sheet = wb.add_sheet("table-" + std::to_string(index));
  std::vector<bool> covered(static_cast<size_t>(grid.rows) * grid.cols, false);
  for (const GridCell &g : grid.cells) {
    for (int r = g.row; r < g.row + g.rowspan; ++r) {
      for (int c = g.col; c < g.col + g.colspan; ++c) covered[static_cast<size_t>(r) * grid.cols + c] = true;
    }
    const std::optional<double> parsed = g.blank() ? std::nullopt : plain_number(g.text);
    const bool is_number = parsed.has_value();
    const double value = parsed.value_or(0);  // plain double: keeps g++ 12's -Wmaybe-uninitialized quiet
    lxw_format *fmt = g.header ? f.header : is_number ? f.number : f.text;
    const std::string_view text = g.blank() ? std::string_view() : std::string_view(g.text);
    if (g.rowspan > 1 || g.colspan > 1) {
      sheet.merge(g.row, g.col, g.row + g.rowspan - 1, g.col + g.colspan - 1, is_number ? "" : text, fmt);
      if (is_number) sheet.merged_number(g.row, g.col, value, fmt);
      if (g.colspan == 1) sheet.fit(g.col, text);  // a vertical merge still sizes its column
    } else if (is_number) {
      sheet.number(g.row, g.col, value, fmt, text);
    } else {
      sheet.text(g.row, g.col, text, fmt);
    }
  }
  // Grid positions no cell reaches (short rows) get the border, not a value.
  for (int r = 0; r < grid.rows; ++r) {
    for (int c = 0; c < grid.cols; ++c) {
      if (!covered[static_cast<size_t>(r) * grid.cols + c]) sheet.blank(r, c, f.text);
    }
  }
  sheet.freeze(grid.header_rows, 0);
  sheet.size_columns();
  sheet.size_rows();
  sheet.print_layout(grid.header_rows);
}

// The distinct label paths of one axis (rows or columns), in first-seen
// order, each split into levels.
struct Axis {
  std::vector<std::string> keys;
  std::vector<std::vector<std::string>> levels;
  std::map<std::string, int> index;
  int depth = 1;  // label columns (rows axis) or header rows (columns axis); at least 1

  int add(const std::string &key) {
    const auto [it, inserted] = index.try_emplace(key, static_cast<int>(keys.size()));
    if (inserted) {
      keys.push_back(key);
      levels.push_back(split_path(key));
      depth = std::max(depth, static_cast<int>(levels.back().size()));
    }
    return it->second;
  }

  // Whether entries i and j share their first k+1 levels, both having a
  // deeper level still (so level k is a group label over both).
  bool same_group(size_t i, size_t j, size_t k) const {
    const auto &a = levels[i];
    const auto &b = levels[j];
    if (a.size() <= k + 1 || b.size() <= k + 1) return false;
    return std::equal(a.begin(), a.begin() + k + 1, b.begin());
  }
};

// Writes the labels of one axis. Entry i sits at position `base + i` along
// the axis; level k of its path at depth k across it. A group label (not the
// last level) is merged along the axis over the consecutive entries it
// covers; the last level is merged across the axis over the remaining
// depth, as in the official forms ("一、本年新收…" spans all label columns).
// Group merges lie at depths where the spanning last levels have already
// ended, so no two merges overlap.
template <class Cell>
void write_axis_labels(Sheet &sheet, const Axis &axis, int base, lxw_format *fmt, Cell cell) {
  for (size_t i = 0; i < axis.keys.size(); ++i) {
    const auto &levels = axis.levels[i];
    if (levels.empty()) {  // table 3's single row has the empty path
      const auto [r1, c1] = cell(base + static_cast<int>(i), 0);
      const auto [r2, c2] = cell(base + static_cast<int>(i), axis.depth - 1);
      if (r1 == r2 && c1 == c2)
        sheet.blank(r1, c1, fmt);
      else
        sheet.merge(r1, c1, r2, c2, "", fmt);
      continue;
    }
    for (size_t k = 0; k < levels.size(); ++k) {
      int first = static_cast<int>(i), last = first;
      int depth_last = static_cast<int>(k);
      if (k + 1 == levels.size()) {
        depth_last = axis.depth - 1;
      } else {
        if (i > 0 && axis.same_group(i - 1, i, k)) continue;  // merged from an earlier entry
        while (static_cast<size_t>(last + 1) < axis.keys.size() && axis.same_group(i, last + 1, k)) ++last;
      }
      const auto [r1, c1] = cell(base + first, static_cast<int>(k));
      const auto [r2, c2] = cell(base + last, depth_last);
      if (r1 == r2 && c1 == c2) {
        sheet.text(r1, c1, levels[k], fmt);
      } else {
        sheet.merge(r1, c1, r2, c2, levels[k], fmt);
        // Label columns are sized by their unmerged labels; a merge over one
        // column only (a vertical group label) still counts for it.
        if (c1 == c2) sheet.fit(c1, levels[k]);
      }
    }
  }
}

// The header texts the official form prints over a template table that are
// no cell's label (the model's template/table/@corner and @band).
struct TableHead {
  std::string corner;  // in the corner over the row labels: 收到和处理's 勾稽关系 note
  std::string band;    // a header row over all the value columns: 申请人情况
};

// The cells that are terms of a failed identity, by record id: a line per
// identity instance naming it, with its sums.
using FailedTerms = std::map<std::string, std::vector<std::string>, std::less<>>;

FailedTerms failed_terms(pugi::xml_node root) {
  FailedTerms out;
  for (pugi::xml_node ch = root.child("checks").child("check"); ch; ch = ch.next_sibling("check")) {
    if (attr(ch, "result") != "fail") continue;
    std::string line = "identity " + attr(ch, "identity") + " fails";
    if (!attr(ch, "row").empty()) line += " in row " + attr(ch, "row");
    if (!attr(ch, "column").empty()) line += " in column " + attr(ch, "column");
    line += ": expected " + attr(ch, "expected") + ", actual " + attr(ch, "actual");
    for (const char *side : {"expected-cells", "actual-cells"}) {
      std::string_view ids = ch.attribute(side).as_string();
      while (!ids.empty()) {
        const size_t sp = ids.find(' ');
        if (sp != 0) out[std::string(ids.substr(0, sp))].push_back(line);
        ids = sp == std::string_view::npos ? std::string_view() : ids.substr(sp + 1);
      }
    }
  }
  return out;
}

// One template table in its canonical layout: rows are the distinct record
// rows, columns the distinct record columns, both in record order, with the
// label paths as merged label columns and stacked header rows, under the
// form's band when it has one and with its note in the corner. The cells of
// a failed identity are red, with a comment naming the identity. Printed as
// the form is: landscape, one page wide, the header rows on every page.
void write_template_table(Workbook &wb, const std::string &title, const std::vector<const Record *> &records,
                          const TableHead &head, const FailedTerms &failed) {
  const Formats &f = wb.formats();
  Axis rows, cols;
  std::vector<std::pair<int, int>> pos;
  for (const Record *rec : records) pos.emplace_back(rows.add(rec->row), cols.add(rec->column));
  const int label_cols = rows.depth;
  const int band_rows = head.band.empty() ? 0 : 1;
  const int header_rows = band_rows + cols.depth;

  Sheet sheet = wb.add_sheet(title);
  lxw_format *corner = head.corner.empty() ? f.header : f.note;
  if (label_cols * header_rows > 1) {
    sheet.merge(0, 0, header_rows - 1, label_cols - 1, head.corner, corner);
  } else {
    sheet.text(0, 0, head.corner, corner);
  }
  if (band_rows > 0) {
    const int last = label_cols + static_cast<int>(cols.keys.size()) - 1;
    if (last > label_cols)
      sheet.merge(0, label_cols, 0, last, head.band, f.header);
    else
      sheet.text(0, label_cols, head.band, f.header);
  }
  write_axis_labels(sheet, rows, header_rows, f.header, [](int along, int across) { return std::pair{along, across}; });
  write_axis_labels(sheet, cols, label_cols, f.header, [band_rows](int along, int across) {
    return std::pair{across + band_rows, along};
  });

  std::vector<bool> filled(rows.keys.size() * cols.keys.size(), false);
  for (size_t i = 0; i < records.size(); ++i) {
    const auto [ri, ci] = pos[i];
    const size_t slot = static_cast<size_t>(ri) * cols.keys.size() + ci;
    if (filled[slot]) continue;  // a duplicate record: the values sheet still lists it
    filled[slot] = true;
    const Record &rec = *records[i];
    const int r = header_rows + ri, c = label_cols + ci;
    const std::optional<double> num = rec.state == "number" ? plain_number(rec.value) : std::nullopt;
    const auto fail = failed.find(rec.id);
    const bool failing = fail != failed.end();
    if (num) {
      sheet.number(r, c, *num, failing ? f.fail_number : f.number, rec.value);
    } else {
      sheet.text(r, c, sdk::is_blank(rec.value) ? "" : rec.value, failing ? f.fail_text : f.text);
    }
    // One comment a cell: the identities it fails, then its correction by hand.
    std::string note;
    if (failing)
      for (const std::string &line : fail->second) note += (note.empty() ? "" : "\n") + line;
    if (!rec.correction.empty()) note += (note.empty() ? "" : "\n") + rec.correction;
    if (!note.empty()) sheet.comment(r, c, note);
  }
  // Positions of the grid that are no cell of the template (table 1's
  // sections have different columns): grey, so they do not read as blanks.
  for (size_t ri = 0; ri < rows.keys.size(); ++ri) {
    for (size_t ci = 0; ci < cols.keys.size(); ++ci) {
      if (!filled[ri * cols.keys.size() + ci]) {
        sheet.blank(header_rows + static_cast<int>(ri), label_cols + static_cast<int>(ci), f.absent);
      }
    }
  }
  sheet.freeze(header_rows, label_cols);
  sheet.size_columns();
  sheet.size_rows();
  sheet.print_layout(header_rows);
}

void write_values(Workbook &wb, const std::vector<Record> &records, const std::string &file,
                  const std::string &template_id) {
  const Formats &f = wb.formats();
  Sheet sheet = wb.add_sheet("values");
  int c = 0;
  for (const char *h :
       {"file", "template", "table", "row", "column", "value", "state", "number", "unit", "source_line", "placement"}) {
    sheet.text(0, c++, h, f.bold);
  }
  int r = 1;
  for (const Record &rec : records) {
    sheet.text(r, 0, file, nullptr);
    sheet.text(r, 1, template_id, nullptr);
    sheet.text(r, 2, rec.table, nullptr);
    sheet.text(r, 3, rec.row, nullptr);
    sheet.text(r, 4, rec.column, nullptr);
    sheet.text(r, 5, rec.value, nullptr);  // the raw text, always as text
    sheet.text(r, 6, rec.state, nullptr);
    if (const auto n = model_number(rec.number)) sheet.number(r, 7, *n, nullptr, rec.number);
    sheet.text(r, 8, rec.unit, nullptr);
    if (const auto n = model_number(rec.first_line)) sheet.number(r, 9, *n, nullptr, rec.first_line);
    sheet.text(r, 10, rec.placement, nullptr);
    ++r;
  }
  sheet.autofilter(0, 0, r - 1, c - 1);
  sheet.freeze(1, 0);
  sheet.size_columns(6, 50);
  sheet.print_layout(1);
}

void write_checks(Workbook &wb, pugi::xml_node root) {
  const Formats &f = wb.formats();
  Sheet sheet = wb.add_sheet("checks");
  int c = 0;
  for (const char *h : {"identity", "table", "row", "column", "result", "expected", "actual", "tie-break", "terms"}) {
    sheet.text(0, c++, h, f.bold);
  }
  std::map<std::string, pugi::xml_node, std::less<>> records;  // record id -> record
  for (pugi::xml_node rec : root.child("records").children("record")) records.emplace(attr(rec, "id"), rec);
  // The failures first, each part in the model's order.
  std::vector<pugi::xml_node> checks;
  for (pugi::xml_node ch = root.child("checks").child("check"); ch; ch = ch.next_sibling("check")) checks.push_back(ch);
  std::stable_partition(checks.begin(), checks.end(), [](pugi::xml_node ch) { return attr(ch, "result") == "fail"; });
  int r = 1;
  for (pugi::xml_node ch : checks) {
    sheet.text(r, 0, attr(ch, "identity"), f.top);
    sheet.text(r, 1, attr(ch, "table"), f.top);
    sheet.text(r, 2, attr(ch, "row"), f.top);
    sheet.text(r, 3, attr(ch, "column"), f.top);
    const std::string result = attr(ch, "result");
    sheet.text(r, 4, result, result == "fail" ? f.fail : f.top);
    for (int k : {5, 6}) {
      const std::string v = attr(ch, k == 5 ? "expected" : "actual");
      if (const auto n = model_number(v))
        sheet.number(r, k, *n, f.top, v);
      else
        sheet.text(r, k, v, f.top);
    }
    sheet.text(r, 7, attr(ch, "tie-break"), f.top);
    // One line per cell involved: "expected: <row> | <column> = <value>".
    std::string terms;
    for (const char *side : {"expected", "actual"}) {
      std::string_view ids =
          ch.attribute(side == std::string_view("expected") ? "expected-cells" : "actual-cells").as_string();
      while (!ids.empty()) {
        const size_t sp = ids.find(' ');
        const std::string id(ids.substr(0, sp));
        ids = sp == std::string_view::npos ? std::string_view() : ids.substr(sp + 1);
        if (id.empty()) continue;
        if (!terms.empty()) terms += '\n';
        terms += std::string(side) + ": ";
        const auto it = records.find(id);
        if (it == records.end()) {
          terms += "(no cell " + id + ")";
          continue;
        }
        const pugi::xml_node rec = it->second;
        const std::string value = attr(rec, "value");
        terms += attr(rec, "row") + " | " + attr(rec, "column") + " = " + (value.empty() ? "(blank)" : value);
      }
    }
    sheet.text(r, 8, terms, f.wrap);
    ++r;
  }
  sheet.autofilter(0, 0, std::max(r - 1, 0), c - 1);
  sheet.freeze(1, 0);
  sheet.size_columns(6, 60);
  sheet.size_rows();
  sheet.print_layout(1);
}

// The sheets a workbook holds, chosen by the `sheets` option (a comma list;
// default all). Bulk runs that also write the XML model and the values file
// can leave out the sheets that repeat them ("values", "tables"): the
// workbook is then a few hundred cells and several times faster to write.
struct SheetChoice {
  bool metadata = true, tables = true, template_tables = true, values = true, checks = true;

  static SheetChoice from(const sdk::Options &opts) {
    const auto it = opts.find("sheets");
    if (it == opts.end() || it->second == "all") return {};
    SheetChoice c{false, false, false, false, false};
    std::string_view list = it->second;
    while (true) {
      const size_t comma = list.find(',');
      const std::string_view name = list.substr(0, comma);
      if (name == "metadata")
        c.metadata = true;
      else if (name == "tables")
        c.tables = true;
      else if (name == "template")
        c.template_tables = true;
      else if (name == "values")
        c.values = true;
      else if (name == "checks")
        c.checks = true;
      else
        throw Error(DOCPIPE_ERR_OPTION, "option sheets=" + it->second + ": \"" + std::string(name) +
                                            "\" is none of all, metadata, tables, template, values, checks");
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    return c;
  }
};

struct XlsxOutput {
  static constexpr const char *name = "xlsx";
  static constexpr const char *version = "1.1.0";
  static constexpr const char *description =
      "Excel workbook: metadata, every table with its merged cells, template tables, values and checks";
  static constexpr const char *options = "sheets";

  static void write(std::string_view model, const sdk::Options &opts, const sdk::OutputTarget &target) {
    check_option_names(opts, {"sheets"});
    const SheetChoice want = SheetChoice::from(opts);
    pugi::xml_document doc;
    const pugi::xml_node root = load_model(doc, model);
    const std::vector<Record> records = read_records(root);

    Workbook wb(target.path_for(".xlsx"), attr(root.child("metadata").child("report"), "title"));
    if (want.metadata) write_metadata(wb, root);
    // Without template tables the raw tables are all the content there is.
    if (want.tables || records.empty()) {
      int n = 0;
      for (pugi::xml_node t = root.child("body").child("table"); t; t = t.next_sibling("table")) {
        write_body_table(wb, layout_table(t), ++n);
      }
    }
    if (!records.empty()) {
      if (want.template_tables) {
        // Template tables in the order their first record appears.
        std::vector<std::string> titles;
        std::map<std::string, std::vector<const Record *>> by_table;
        for (const Record &rec : records) {
          auto &list = by_table[rec.table];
          if (list.empty()) titles.push_back(rec.table);
          list.push_back(&rec);
        }
        std::map<std::string, TableHead> heads;
        for (pugi::xml_node t : root.child("template").children("table"))
          heads[attr(t, "name")] = TableHead{attr(t, "corner"), attr(t, "band")};
        const FailedTerms failed = failed_terms(root);
        for (const std::string &title : titles) write_template_table(wb, title, by_table[title], heads[title], failed);
      }
      if (want.values)
        write_values(wb, records, attr(root.child("metadata").child("source"), "name"),
                     attr(root.child("template"), "id"));
      if (want.checks) write_checks(wb, root);
    }
    wb.close();
  }
};

}  // namespace

DOCPIPE_OUTPUT_PLUGIN(XlsxOutput)
