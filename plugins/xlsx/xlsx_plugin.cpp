// Output plugin `xlsx`: one workbook, <stem>.xlsx, holding
//   metadata   where the data came from and the quality verdict;
//   table-N    each body table laid out as the model has it (merges for spans);
//   <title>    when the model has records: each template table in the
//              template's canonical layout, whatever the source's layout was;
//   values     the tidy records (as the values plugin writes them);
//   checks     every accounting identity and its terms.
// A number is written as a number only when the text is a plain number, so
// "1,234", "+5" or full-width "１２" stay exactly as the report wrote them.
//
// It reads the typed model (docpipe/sdk/model.hpp, docs/model.md): the
// host's own, or the SDK's reading of the XML a host sends.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <docpipe/sdk/model.hpp>
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
namespace sm = docpipe::sdk::model;

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

// Any decimal the model states (a record's number, a check's sums), for the
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

// A record's first source line as the model states it ("" for an absent
// cell, which has none).
std::string first_line(const sdk::LineRange &lines) { return lines.first > 0 ? std::to_string(lines.first) : ""; }

// A correction by hand (placement override): the cell's comment, where it
// is, why, and what was read before it.
std::string correction(const sm::Record &rec) {
  if (rec.placement != sm::Placement::override_) return "";
  return "Corrected by hand (" + rec.origin + ")" + (rec.note.empty() ? "" : ": " + rec.note) +
         (rec.had_read ? "\nread: '" + rec.read + "'" : "\nabsent from the source");
}

void write_metadata(Workbook &wb, const sm::Document &model) {
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
  const sm::Metadata &meta = model.metadata;
  // The probe score as the model states it: two decimals.
  char confidence[32];
  std::snprintf(confidence, sizeof confidence, "%.2f", meta.input.confidence);

  line("field", "value");
  line("source", meta.source.path);
  line("file", meta.source.name);
  line("sha256", meta.source.sha256);
  line("bytes", std::to_string(meta.source.bytes), true);
  line("encoding", meta.encoding.name);
  line("encoding BOM", meta.encoding.bom ? "true" : "false");
  line("line endings", meta.encoding.line_endings);
  line("encoding decision", meta.encoding.decision);
  line("input plugin", meta.input.plugin + " " + meta.input.version);
  line("input confidence", confidence, true);
  line("template", model.tmpl ? model.tmpl->id : "");
  line("template title", model.tmpl ? model.tmpl->title : "");
  line("verdict", model.verdict.ok ? "ok" : "review");
  for (const sm::Reason &reason : model.verdict.reasons) line("verdict reason", reason.code + ": " + reason.text);
  line("report title", meta.report.title);
  line("report agency", meta.report.agency);
  line("agency key", meta.report.agency_key);
  line("report year", meta.report.year, true);
  line("report date", meta.report.date);
  line("producer", meta.producer.name + " " + meta.producer.version);
  // What fits no template cell is listed here too, so that a workbook
  // without the raw table sheets still drops nothing silently.
  for (const sm::UnmappedItem &u : model.unmapped) {
    line("unmapped (line " + first_line(u.lines) + ")", u.reason + ": " + u.text);
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

// The cells that are terms of a failed identity, by record index: a line
// per identity instance naming it, with its sums.
using FailedTerms = std::map<size_t, std::vector<std::string>>;

FailedTerms failed_terms(const sm::Document &model) {
  FailedTerms out;
  for (const sm::Check &ch : model.checks) {
    if (ch.result != sm::CheckResult::fail) continue;
    std::string line = "identity " + ch.identity + " fails";
    if (!ch.row.empty()) line += " in row " + ch.row;
    if (!ch.column.empty()) line += " in column " + ch.column;
    line += ": expected " + ch.expected + ", actual " + ch.actual;
    for (const auto *side : {&ch.expected_cells, &ch.actual_cells})
      for (const size_t i : *side) out[i].push_back(line);
  }
  return out;
}

// A template cell with its index among the model's records.
struct IndexedRecord {
  size_t index;
  const sm::Record *rec;
};

// One template table in its canonical layout: rows are the distinct record
// rows, columns the distinct record columns, both in record order, with the
// label paths as merged label columns and stacked header rows, under the
// form's band when it has one and with its note in the corner. The cells of
// a failed identity are red, with a comment naming the identity. Printed as
// the form is: landscape, one page wide, the header rows on every page.
void write_template_table(Workbook &wb, const std::string &title, const std::vector<IndexedRecord> &records,
                          const TableHead &head, const FailedTerms &failed) {
  const Formats &f = wb.formats();
  Axis rows, cols;
  std::vector<std::pair<int, int>> pos;
  for (const IndexedRecord &ir : records) pos.emplace_back(rows.add(ir.rec->row), cols.add(ir.rec->column));
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
    const sm::Record &rec = *records[i].rec;
    const int r = header_rows + ri, c = label_cols + ci;
    const std::optional<double> num = rec.state == sdk::ValueState::number ? plain_number(rec.value) : std::nullopt;
    const auto fail = failed.find(records[i].index);
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
    if (const std::string fix = correction(rec); !fix.empty()) note += (note.empty() ? "" : "\n") + fix;
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

void write_values(Workbook &wb, const std::vector<sm::Record> &records, const std::string &file,
                  const std::string &template_id) {
  const Formats &f = wb.formats();
  Sheet sheet = wb.add_sheet("values");
  int c = 0;
  for (const char *h :
       {"file", "template", "table", "row", "column", "value", "state", "number", "unit", "source_line", "placement"}) {
    sheet.text(0, c++, h, f.bold);
  }
  int r = 1;
  for (const sm::Record &rec : records) {
    sheet.text(r, 0, file, nullptr);
    sheet.text(r, 1, template_id, nullptr);
    sheet.text(r, 2, rec.table, nullptr);
    sheet.text(r, 3, rec.row, nullptr);
    sheet.text(r, 4, rec.column, nullptr);
    sheet.text(r, 5, rec.value, nullptr);  // the raw text, always as text
    sheet.text(r, 6, sm::state_name(rec.state), nullptr);
    // The model states a number only for a number cell.
    if (const auto n = rec.state == sdk::ValueState::number ? model_number(rec.number) : std::nullopt)
      sheet.number(r, 7, *n, nullptr, rec.number);
    sheet.text(r, 8, rec.unit, nullptr);
    if (rec.lines.first > 0) sheet.number(r, 9, rec.lines.first, nullptr, first_line(rec.lines));
    sheet.text(r, 10, sm::placement_name(rec.placement), nullptr);
    ++r;
  }
  sheet.autofilter(0, 0, r - 1, c - 1);
  sheet.freeze(1, 0);
  sheet.size_columns(6, 50);
  sheet.print_layout(1);
}

void write_checks(Workbook &wb, const sm::Document &model) {
  const Formats &f = wb.formats();
  Sheet sheet = wb.add_sheet("checks");
  int c = 0;
  for (const char *h : {"identity", "table", "row", "column", "result", "expected", "actual", "tie-break", "terms"}) {
    sheet.text(0, c++, h, f.bold);
  }
  // The failures first, each part in the model's order.
  std::vector<const sm::Check *> checks;
  for (const sm::Check &ch : model.checks) checks.push_back(&ch);
  std::stable_partition(checks.begin(), checks.end(),
                        [](const sm::Check *ch) { return ch->result == sm::CheckResult::fail; });
  int r = 1;
  for (const sm::Check *ch : checks) {
    sheet.text(r, 0, ch->identity, f.top);
    sheet.text(r, 1, ch->table, f.top);
    sheet.text(r, 2, ch->row, f.top);
    sheet.text(r, 3, ch->column, f.top);
    sheet.text(r, 4, sm::check_result_name(ch->result), ch->result == sm::CheckResult::fail ? f.fail : f.top);
    for (const std::string *v : {&ch->expected, &ch->actual}) {
      const int k = v == &ch->expected ? 5 : 6;
      if (const auto n = model_number(*v))
        sheet.number(r, k, *n, f.top, *v);
      else
        sheet.text(r, k, *v, f.top);
    }
    sheet.text(r, 7, ch->tie_break ? "true" : "false", f.top);
    // One line per cell involved: "expected: <row> | <column> = <value>".
    std::string terms;
    for (const auto &[side, cells] : {std::pair{"expected", &ch->expected_cells}, {"actual", &ch->actual_cells}}) {
      for (const size_t i : *cells) {
        if (!terms.empty()) terms += '\n';
        terms += std::string(side) + ": ";
        if (i >= model.records.size()) {
          terms += "(no cell c" + std::to_string(i + 1) + ")";
          continue;
        }
        const sm::Record &rec = model.records[i];
        terms += rec.row + " | " + rec.column + " = " + (rec.value.empty() ? "(blank)" : rec.value);
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

  static void write(const sm::Document &model, const sdk::Options &opts, const sdk::OutputTarget &target) {
    check_option_names(opts, {"sheets"});
    const SheetChoice want = SheetChoice::from(opts);
    const std::vector<sm::Record> &records = model.records;

    Workbook wb(target.path_for(".xlsx"), model.metadata.report.title);
    if (want.metadata) write_metadata(wb, model);
    // Without template tables the raw tables are all the content there is.
    if (want.tables || records.empty()) {
      int n = 0;
      for (const sdk::Block &block : model.body.blocks()) {
        if (block.kind == sdk::Block::Kind::table) write_body_table(wb, layout_table(block.table), ++n);
      }
    }
    if (!records.empty()) {
      if (want.template_tables) {
        // Template tables in the order their first record appears.
        std::vector<std::string> titles;
        std::map<std::string, std::vector<IndexedRecord>> by_table;
        for (size_t i = 0; i < records.size(); ++i) {
          auto &list = by_table[records[i].table];
          if (list.empty()) titles.push_back(records[i].table);
          list.push_back({i, &records[i]});
        }
        std::map<std::string, TableHead> heads;
        if (model.tmpl)
          for (const sm::TemplateTable &t : model.tmpl->tables) heads[t.name] = TableHead{t.corner, t.band};
        const FailedTerms failed = failed_terms(model);
        for (const std::string &title : titles) write_template_table(wb, title, by_table[title], heads[title], failed);
      }
      if (want.values) write_values(wb, records, model.metadata.source.name, model.tmpl ? model.tmpl->id : "");
      if (want.checks) write_checks(wb, model);
    }
    wb.close();
  }
};

}  // namespace

DOCPIPE_OUTPUT_PLUGIN(XlsxOutput)
