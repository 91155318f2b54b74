#include "runner/combined.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <docpipe/sdk/text.hpp>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <unordered_map>

#include "error.hpp"
#include "runner/cells.hpp"
#include "support/csv.hpp"
#include "support/xlsx_workbook.hpp"
#include "util/files.hpp"

namespace docpipe::runner {
namespace fs = std::filesystem;

namespace {

fs::path temp_for(const fs::path &file) {
  return file.parent_path() / ("." + file.filename().string() + ".tmp-" + std::to_string(getpid()));
}

void commit_file(const fs::path &tmp, const fs::path &file) {
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error(ExitCode::cant_create, file.string() + ": cannot be written: " + ec.message());
  }
}

// How a path (bytes, perhaps not UTF-8) or a message holding one is shown:
// the SDK's one reversible escape.
std::string shown(std::string_view bytes) { return sdk::escape_bytes(bytes); }

// The one check of every writer: no invalid UTF-8 is ever emitted.
void require_utf8(std::string_view text, const std::string &where) {
  if (const size_t bad = sdk::invalid_utf8_at(text); bad != std::string_view::npos)
    throw Error(ExitCode::internal, where + ": not valid UTF-8 at byte " + std::to_string(bad) + "; refused");
}

bool plain_number(std::string_view s) {
  if (s.empty() || s.size() > 15) return false;
  size_t i = s[0] == '-' ? 1 : 0, digits = 0, dots = 0;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9')
      ++digits;
    else if (s[i] == '.' && dots++ == 0)
      continue;
    else
      return false;
  }
  return digits > 0 && s.back() != '.' && !(s.size() > 1 && s[0] == '0' && s[1] != '.');
}

// A sheet of the summary: its header rows, the next row to write (constant
// memory: rows in order), and the widest text of each column so far.
struct Sheet {
  lxw_worksheet *ws = nullptr;
  lxw_row_t header_rows = 1, next = 1;
  std::vector<int> widths;  // display columns: a CJK character counts 2
};

class Book {
 public:
  // `staging`: where libxlsxwriter keeps its temporary files (the run's
  // private folder OUT/.docpipe/tmp, cleared when a run starts), not /tmp.
  Book(const fs::path &tmp, const fs::path &staging) {
    options_.constant_memory = true;
    options_.zip64 = true;
    std::error_code ec;
    if (!staging.empty() && fs::is_directory(staging, ec)) options_.tmpdir = staging.string();
    options_.title = "docpipe summary";
    options_.created = 946684800;  // fixed: the same inputs give the same bytes
    wb_ = outputs::xlsx::new_workbook(tmp.string(), options_);
    if (wb_ == nullptr) throw Error(ExitCode::cant_create, tmp.string() + ": cannot create the workbook");
    label_ = workbook_add_format(wb_);
    format_set_bold(label_);
    format_set_align(label_, LXW_ALIGN_CENTER);
    format_set_align(label_, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(label_, LXW_BORDER_THIN);
  }
  ~Book() {
    if (wb_ != nullptr) workbook_close(wb_);
  }

  // A sheet whose header is `levels[column][level]`, one header row per
  // level, as the official form prints its labels: a run of columns with
  // the same label on a level (and the same labels above it) is one merged
  // cell. Merges only span one row, so they are written with that row, as
  // constant-memory mode requires. The first `frozen` columns and the header
  // rows stay in view.
  Sheet *sheet(const std::string &name, const std::vector<std::vector<std::string>> &levels, size_t frozen) {
    auto sheet = std::make_unique<Sheet>();
    sheet->ws = workbook_add_worksheet(wb_, name.c_str());
    if (sheet->ws == nullptr) throw Error(ExitCode::cant_create, "summary: cannot add sheet " + name);
    size_t rows = 1;
    for (const auto &col : levels) rows = std::max(rows, col.size());
    sheet->header_rows = sheet->next = static_cast<lxw_row_t>(rows);
    sheet->widths.assign(levels.size(), 0);
    const auto at = [&](size_t c, size_t l) -> const std::string & {
      static const std::string none;
      return l < levels[c].size() ? levels[c][l] : none;
    };
    for (size_t l = 0; l < rows; ++l) {
      for (size_t c = 0; c < levels.size();) {
        const std::string &text = at(c, l);
        size_t e = c + 1;  // the run: same label here and on every level above
        while (!text.empty() && e < levels.size() && [&] {
          for (size_t k = 0; k <= l; ++k)
            if (at(e, k) != at(c, k)) return false;
          return true;
        }())
          ++e;
        if (!text.empty()) {
          require_utf8(text, "summary");
          const auto r = static_cast<lxw_row_t>(l);
          if (e - c > 1)
            check(worksheet_merge_range(sheet->ws, r, static_cast<lxw_col_t>(c), r, static_cast<lxw_col_t>(e - 1),
                                        text.c_str(), label_));
          else
            check(worksheet_write_string(sheet->ws, r, static_cast<lxw_col_t>(c), text.c_str(), label_));
          // A label's width counts for its own column, not for a merged run.
          if (e - c == 1) widen(*sheet, c, text);
        }
        c = e;
      }
    }
    worksheet_freeze_panes(sheet->ws, sheet->header_rows, static_cast<lxw_col_t>(frozen));
    sheets_.push_back(std::move(sheet));
    return sheets_.back().get();
  }
  Sheet *sheet(const std::string &name, const std::vector<std::string> &header, size_t frozen) {
    std::vector<std::vector<std::string>> levels;
    for (const auto &h : header) levels.push_back({h});
    return sheet(name, levels, frozen);
  }

  // One cell of the sheet's current row; `checked`: a text known to be UTF-8.
  void cell(Sheet &s, size_t c, std::string_view v, bool numeric, bool checked = false) {
    if (v.empty()) return;  // blank stays blank
    if (!checked) require_utf8(v, "summary");
    const auto col = static_cast<lxw_col_t>(c);
    double number = 0;
    if (numeric && plain_number(v)) {
      std::from_chars(v.data(), v.data() + v.size(), number);  // (as strtod: the nearest double)
      check(worksheet_write_number(s.ws, s.next, col, number, nullptr));
    } else {
      text_.assign(v);  // libxlsxwriter copies it
      check(worksheet_write_string(s.ws, s.next, col, text_.c_str(), nullptr));
    }
    widen(s, c, v);
  }
  void end_row(Sheet &s) { ++s.next; }

  void close(const fs::path &file) {
    // Widths and filters are kept apart from the rows: set now, written at close.
    for (const auto &s : sheets_) {
      for (size_t c = 0; c < s->widths.size(); ++c)
        check(worksheet_set_column(s->ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                                   std::clamp(s->widths[c] + 2, 6, 42), nullptr));
      if (!s->widths.empty())
        check(worksheet_autofilter(s->ws, s->header_rows - 1, 0, std::max(s->next, s->header_rows) - 1,
                                   static_cast<lxw_col_t>(s->widths.size() - 1)));
    }
    errno = 0;
    const lxw_error e = workbook_close(wb_);
    const int err = errno;  // libxlsxwriter's file errors leave the cause (a full disk) here
    wb_ = nullptr;
    if (e != LXW_NO_ERROR)
      throw Error(ExitCode::cant_create, file.string() + ": " + lxw_strerror(e) +
                                             (err != 0 ? std::string(" (") + std::strerror(err) + ")" : ""));
  }

 private:
  static void check(lxw_error e) {
    if (e != LXW_NO_ERROR) throw Error(ExitCode::cant_create, std::string("summary: ") + lxw_strerror(e));
  }
  static void widen(Sheet &s, size_t c, std::string_view text) {
    if (c >= s.widths.size() || static_cast<int>(text.size()) <= s.widths[c]) return;  // n bytes are at most n columns
    s.widths[c] = std::max(s.widths[c], sdk::display_width(text));
  }
  outputs::xlsx::WorkbookOptions options_;  // the one place docpipe sets libxlsxwriter's options
  lxw_workbook *wb_ = nullptr;
  lxw_format *label_ = nullptr;
  std::vector<std::unique_ptr<Sheet>> sheets_;
  std::string text_;  // a cell's text, NUL-terminated
};

}  // namespace

// ---- CombinedOutputs ------------------------------------------------------

struct CombinedOutputs::Impl {
  Impl(const fs::path &out, const fs::path &values_to, const fs::path &summary_to)
      : out_dir(out), values_file(values_to), summary_file(summary_to) {}
  const fs::path out_dir;
  const fs::path values_file, summary_file;
  fs::path values_tmp, summary_tmp;
  std::ofstream values;
  std::string lines;  // a report's lines of values.csv
  std::unique_ptr<Book> book;
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  // A template cell's column, found by the ids of its labels: a report's
  // cells share a few distinct table names, row and column paths, so each of
  // those is looked up once a report, and each cell by three small numbers.
  struct TemplateSheet {
    std::string id;
    Sheet *sheet = nullptr;
    std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> label_ids;  // table, row or column path
    std::unordered_map<uint64_t, size_t> column_of;  // the ids of table, row, column -> column
    size_t columns = 0;
    static constexpr uint32_t kNone = UINT32_MAX;
    uint32_t label_id(std::string_view label) {
      return label_ids.emplace(label, static_cast<uint32_t>(label_ids.size())).first->second;
    }
    uint32_t find_label(std::string_view label) const {
      const auto it = label_ids.find(label);
      return it == label_ids.end() ? kNone : it->second;
    }
    static uint64_t key(uint64_t table, uint64_t row, uint64_t column) { return table << 42 | row << 21 | column; }
  };
  std::vector<TemplateSheet> sheets;
  Sheet *review = nullptr, *none = nullptr, *checks = nullptr, *failures = nullptr, *cross_year = nullptr;
  std::vector<std::string_view> cells;  // reused for each report's row
  std::string key;
  std::string file;                     // the report's relpath as shown
  std::vector<CellView> views;          // the report's cells
  std::vector<std::string_view> texts;  // their distinct texts (view_cells)
  std::vector<uint32_t> fields;         // each cell's nine fields, as indices in texts
  // The texts of cells CSV-encoded, by content: labels, values, states and
  // lines come back report after report, so each is checked for UTF-8 and
  // encoded once a run, not once a report (emptied, between two reports,
  // when it holds more than kKnownTexts texts or kKnownBytes bytes: memory
  // stays flat). An entry ends with the comma that follows a field in a
  // line (a cell's nine fields are followed by the report's columns), so a
  // line is a few appends. `csv`: per text of the report, its entry.
  static constexpr size_t kKnownTexts = 1 << 15, kKnownBytes = 4 << 20;
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> known_texts;
  size_t known_bytes = 0;
  std::vector<const std::string *> csv;
  std::vector<uint32_t> label_of;  // per text of the report, its label id in the sheet (unset: not looked up)
  std::vector<templates::Template> templates = {};
  // The cells of the report's failed identities: table \x1f row \x1f column
  // -> the identities' lines (reused for each report).
  std::unordered_map<std::string, std::string> failed_cells = {};

  // The report's metadata, first the columns frozen at the left.
  static constexpr size_t frozen = 4;
  static const std::vector<std::string> &meta() {
    static const std::vector<std::string> m = {"file",    "agency", "year",         "verdict",
                                               "reasons", "title",  "input plugin", "agency key"};
    return m;
  }
  void write_meta(Sheet &s, const InputRecord &r) {
    const std::string_view m[] = {file, r.agency, r.year, r.verdict, r.reasons, r.title, r.plugin, r.agency_key};
    for (size_t i = 0; i < std::size(m); ++i) book->cell(s, i, m[i], i == 2);
  }

  // The report's cells, their distinct texts, each checked for UTF-8 (the
  // one check of every writer) and CSV-encoded (the project's one CsvWriter
  // rule) once.
  void take_cells(const InputRecord &r) {
    view_cells(r.cells, views, texts, fields);
    if (known_texts.size() > kKnownTexts || known_bytes > kKnownBytes) {
      known_texts.clear();
      known_bytes = 0;
    }
    csv.resize(texts.size());
    for (size_t k = 0; k < texts.size(); ++k) {
      auto it = known_texts.find(texts[k]);
      if (it == known_texts.end()) {
        require_utf8(texts[k], file);
        it = known_texts.emplace(std::string(texts[k]), outputs::CsvWriter::encode(texts[k], true) + ",").first;
        known_bytes += it->first.size() + it->second.size();
      }
      csv[k] = &it->second;
    }
  }

  // The review sheet: what a person has to look at, a report at a time. A
  // report's first row names it with the verdict's reasons; under it a row
  // per cell in doubt (table, row, column, value, state, source line, why)
  // and per failed identity (its instance, expected and actual sums).
  static const std::vector<std::string> &review_header() {
    static const std::vector<std::string> h = {"file",   "agency", "year",  "reasons",     "table", "row",
                                               "column", "value",  "state", "source line", "why"};
    return h;
  }
  void review_row(const InputRecord &r, std::string_view reasons) {
    const std::string_view m[] = {file, r.agency, r.year, reasons};
    for (size_t i = 0; i < std::size(m); ++i) book->cell(*review, i, m[i], i == 2);
  }
  // A values record (file,template,table,row,column,value,state,number,unit,
  // source_line,placement,...) whose placement leaves it in doubt: why, or "".
  static std::string_view doubt_of(const CellView &c) {
    if (c.placement == "absent") return "absent: no counterpart in the source (left blank)";
    if (c.placement == "aligned" && c.state != "blank")
      return "aligned: placed by alignment on a row with missing cells";
    if (c.placement == "tie-break") return "tie-break: placed by an accounting identity, which then checks nothing";
    return {};
  }
  void review_cell(const InputRecord &r, const CellView &c, const std::string &why) {
    review_row(r, "");
    book->cell(*review, 4, c.table, false, true);
    book->cell(*review, 5, c.row, false, true);
    book->cell(*review, 6, c.column, false, true);
    book->cell(*review, 7, c.value, c.state == "number", true);
    book->cell(*review, 8, c.state, false, true);
    book->cell(*review, 9, c.source_line, true, true);
    book->cell(*review, 10, why, false);
    book->end_row(*review);
  }
  static std::string failure(const Violation &v) {
    std::string line = "identity " + v.identity + " fails";
    if (!v.row.empty()) line += " in row " + v.row;
    if (!v.column.empty()) line += " in column " + v.column;
    return line + ": expected " + v.expected + ", actual " + v.actual;
  }
  void review_violation(const InputRecord &r, const Violation &v) {
    review_row(r, "");
    const std::string f[] = {v.table, v.row, v.column};
    for (size_t i = 0; i < std::size(f); ++i) book->cell(*review, 4 + i, f[i], false);
    book->cell(*review, 10, failure(v), false);
    book->end_row(*review);
  }
  // Fills failed_cells with the terms of the report's failed identities, as
  // the template defines them (every layout of the table: the report's is
  // not recorded; a layout's cells the report lacks match no record).
  void note_failed_cells(const InputRecord &r) {
    failed_cells.clear();
    for (const auto &t : templates) {
      if (t.id != r.template_id) continue;
      for (const Violation &v : r.violations) {
        const std::string line = failure(v);
        for (size_t ti = 0; ti < t.tables.size(); ++ti)
          for (size_t k = 0; k <= t.variants[ti].size(); ++k) {
            const templates::Table &tab = t.layout(ti, k);
            if (tab.name != v.table || tab.sections.empty()) continue;
            const templates::Section &sec = tab.sections.front();
            long fr = -1, fc = -1;
            for (size_t i = 0; i < sec.rows.size(); ++i)
              if (!v.row.empty() && sec.rows[i].path == v.row) fr = static_cast<long>(i);
            for (size_t i = 0; i < sec.columns.size(); ++i)
              if (!v.column.empty() && sec.columns[i].path == v.column) fc = static_cast<long>(i);
            for (const templates::Identity &id : tab.identities) {
              if (id.id != v.identity) continue;
              for (const auto *side : {&id.expected, &id.actual})
                for (const auto &[ri, ci] : templates::identity_cells(tab, id, *side, fr, fc)) {
                  if (ri < 0 || ci < 0 || static_cast<size_t>(ri) >= sec.rows.size() ||
                      static_cast<size_t>(ci) >= sec.columns.size())
                    continue;
                  std::string &why = failed_cells[tab.name + "\x1f" + sec.rows[static_cast<size_t>(ri)].path + "\x1f" +
                                                  sec.columns[static_cast<size_t>(ci)].path];
                  if (why.find(line) == std::string::npos) why += (why.empty() ? "" : "; ") + line;
                }
            }
          }
      }
    }
  }
};

CombinedOutputs::CombinedOutputs(const fs::path &out_dir, const fs::path &values_file, const fs::path &summary_file,
                                 const std::vector<templates::Template> &templates)
    : impl_(new Impl(out_dir, values_file, summary_file)) {
  Impl &m = *impl_;
  m.templates = templates;
  if (!values_file.empty()) {
    m.values_tmp = temp_for(values_file);
    m.values.open(m.values_tmp, std::ios::binary);
    if (!m.values) throw Error(ExitCode::cant_create, values_file.string() + ": cannot be written");
    m.values << "\xEF\xBB\xBF"
             << "file,template,table,row,column,value,state,number,unit,source_line,placement,verdict,agency,year,"
                "agency_key\r\n";
  }
  if (!summary_file.empty()) {
    m.summary_tmp = temp_for(summary_file);
    m.book = std::make_unique<Book>(m.summary_tmp, out_dir / ".docpipe" / "tmp");
    // The first sheet is what a person opens first: what needs review.
    m.review = m.book->sheet("review", Impl::review_header(), 1);
    // Every sheet is created first (their order in the workbook); rows are
    // then added to each as the reports come, in relpath order. In
    // constant-memory mode each sheet only needs its own rows in order.
    for (const auto &t : templates) {
      Impl::TemplateSheet sheet;
      sheet.id = t.id;
      // Every layout of every table (a variant's rows too: 收到和处理 with the
      // 2019 row （六）其他处理 under ogi-2021), each cell once; its header
      // levels are the table, the row path's levels, the column path's.
      struct Cell {
        const std::string *table;
        const std::vector<std::string> *rows, *cols;  // their levels (a label may hold '/': 本年增/减)
      };
      std::vector<Cell> cells;
      size_t row_depth = 0, col_depth = 0;
      for (size_t ti = 0; ti < t.tables.size(); ++ti)
        for (size_t k = 0; k <= t.variants[ti].size(); ++k)
          for (const auto &sec : t.layout(ti, k).sections)
            for (const auto &row : sec.rows)
              for (const auto &col : sec.columns) {
                const std::string &name = t.tables[ti].name;
                const uint64_t key =
                    Impl::TemplateSheet::key(sheet.label_id(name), sheet.label_id(row.path), sheet.label_id(col.path));
                if (!sheet.column_of.emplace(key, Impl::meta().size() + cells.size()).second) continue;
                cells.push_back({&name, &row.labels, &col.labels});
                row_depth = std::max(row_depth, cells.back().rows->size());
                col_depth = std::max(col_depth, cells.back().cols->size());
              }
      // Row levels under the table, column levels at the bottom (the row
      // the filter buttons are on names each column); the metadata labels
      // on that bottom row too.
      const size_t depth = 1 + row_depth + col_depth;
      std::vector<std::vector<std::string>> header;
      for (const auto &name : Impl::meta()) {
        header.emplace_back(depth);
        header.back().back() = name;
      }
      for (const auto &c : cells) {
        header.emplace_back(depth);
        auto &h = header.back();
        h[0] = *c.table;
        std::copy(c.rows->begin(), c.rows->end(), h.begin() + 1);
        std::copy(c.cols->begin(), c.cols->end(), h.end() - static_cast<std::ptrdiff_t>(c.cols->size()));
      }
      sheet.columns = header.size();
      sheet.sheet = m.book->sheet(t.id, header, Impl::frozen);
      m.sheets.push_back(std::move(sheet));
    }
    m.none = m.book->sheet("no template", Impl::meta(), Impl::frozen);
    m.checks = m.book->sheet("checks", {"file", "identity", "table", "row", "column", "expected", "actual"}, 1);
    // No timings here: the summary is the same bytes whatever --jobs is.
    m.failures = m.book->sheet("failures", std::vector<std::string>{"file", "error"}, 1);
    m.cross_year = m.book->sheet("cross-year", across::finding_columns(), 2);
  }
}

CombinedOutputs::~CombinedOutputs() {
  // Not committed: nothing half-written stays behind.
  std::error_code ec;
  if (impl_->values.is_open()) impl_->values.close();
  impl_->book.reset();
  if (!impl_->values_tmp.empty()) fs::remove(impl_->values_tmp, ec);
  if (!impl_->summary_tmp.empty()) fs::remove(impl_->summary_tmp, ec);
}

void CombinedOutputs::add(const InputRecord &r) {
  Impl &m = *impl_;
  const bool done = r.status == "done";

  // values.csv: a line per template cell of each report, the columns of the
  // values output (file = the path relative to the input folder) and the
  // report's agency and year, so the combined file can be pivoted by them.
  m.file = shown(r.relpath);
  m.take_cells(r);
  if (m.values.is_open() && done && !m.views.empty()) {
    const auto encoded = [&](std::string_view v) {
      require_utf8(v, m.file);
      return outputs::CsvWriter::encode(v, true);
    };
    const std::string prefix = encoded(m.file) + "," + encoded(r.template_id) + ",";
    const std::string suffix =
        encoded(r.verdict) + "," + encoded(r.agency) + "," + encoded(r.year) + "," + encoded(r.agency_key) + "\r\n";
    // The cell's fields in the values columns' order (table ... source_line,
    // placement): Cell order. The lines' length first, then their bytes
    // copied in place: a line is eleven short pieces.
    const uint32_t *const fields = m.fields.data();
    size_t size = m.views.size() * (prefix.size() + suffix.size());
    for (size_t j = 0; j < 9 * m.views.size(); ++j) size += m.csv[fields[j]]->size();
    std::string &lines = m.lines;
    lines.resize(size);
    char *out = lines.data();
    const auto put = [&out](const std::string &piece) {
      std::memcpy(out, piece.data(), piece.size());
      out += piece.size();
    };
    for (size_t i = 0; i < m.views.size(); ++i) {
      put(prefix);
      for (size_t k = 0; k < 9; ++k) put(*m.csv[fields[9 * i + k]]);  // each with its comma
      put(suffix);
    }
    m.values << lines;
  }
  if (!m.book) return;

  if (!done) {
    m.book->cell(*m.failures, 0, m.file, false);
    m.book->cell(*m.failures, 1, shown(r.error), false);
    m.book->end_row(*m.failures);
    return;
  }
  // The review sheet: the report, its failed identities, then its cells in
  // doubt as they come in the values.
  const bool review = r.verdict != "ok";
  if (review) {
    m.review_row(r, r.reasons);
    m.book->end_row(*m.review);
    for (const auto &v : r.violations) m.review_violation(r, v);
    m.note_failed_cells(r);
  }
  if (r.template_id.empty()) {
    m.write_meta(*m.none, r);
    m.book->end_row(*m.none);
  } else {
    for (auto &sheet : m.sheets) {
      if (sheet.id != r.template_id) continue;
      m.cells.assign(sheet.columns, std::string_view());
      constexpr uint32_t kUnset = Impl::TemplateSheet::kNone - 1;
      m.label_of.assign(m.texts.size(), kUnset);
      const auto label = [&](uint32_t text) {
        uint32_t &id = m.label_of[text];
        if (id == kUnset) id = sheet.find_label(m.texts[text]);
        return id;
      };
      for (size_t i = 0; i < m.views.size(); ++i) {
        const CellView &c = m.views[i];
        const uint32_t *f = &m.fields[9 * i];  // table, row, column first
        const uint32_t t = label(f[0]), row = label(f[1]), col = label(f[2]);
        if (t != Impl::TemplateSheet::kNone && row != Impl::TemplateSheet::kNone && col != Impl::TemplateSheet::kNone)
          if (auto it = sheet.column_of.find(Impl::TemplateSheet::key(t, row, col)); it != sheet.column_of.end())
            m.cells[it->second] = c.value;
        if (review) {
          std::string why(Impl::doubt_of(c));
          if (!m.failed_cells.empty()) {
            m.key.assign(c.table).append("\x1f").append(c.row).append("\x1f").append(c.column);
            if (const auto it = m.failed_cells.find(m.key); it != m.failed_cells.end())
              why += (why.empty() ? "" : "; ") + it->second;
          }
          if (!why.empty()) m.review_cell(r, c, why);
        }
      }
      m.write_meta(*sheet.sheet, r);  // constant memory: each row written whole, in order
      for (size_t c = Impl::meta().size(); c < m.cells.size(); ++c)
        m.book->cell(*sheet.sheet, c, m.cells[c], true, /*checked=*/true);
      m.book->end_row(*sheet.sheet);
    }
  }
  for (const auto &v : r.violations) {
    const std::string_view f[] = {m.file, v.identity, v.table, v.row, v.column, v.expected, v.actual};
    for (size_t i = 0; i < std::size(f); ++i) m.book->cell(*m.checks, i, f[i], i >= 5);
    m.book->end_row(*m.checks);
  }
}

void CombinedOutputs::add_cross_year(const std::vector<across::Finding> &findings) {
  Impl &m = *impl_;
  if (!m.book) return;
  for (const auto &f : findings) {
    auto fields = across::finding_fields(f);
    fields[4] = shown(fields[4]);  // previous file, file: relpaths, escaped as everywhere
    fields[7] = shown(fields[7]);
    for (size_t i = 0; i < fields.size(); ++i) m.book->cell(*m.cross_year, i, fields[i], i == 10 || i == 11);
    m.book->end_row(*m.cross_year);
  }
}

void CombinedOutputs::commit() {
  Impl &m = *impl_;
  if (m.values.is_open()) {
    m.values.close();
    if (!m.values) throw Error(ExitCode::cant_create, m.values_file.string() + ": cannot be written");
    commit_file(m.values_tmp, m.values_file);
    m.values_tmp.clear();
  }
  if (m.book) {
    m.book->close(m.summary_file);
    m.book.reset();
    commit_file(m.summary_tmp, m.summary_file);
    m.summary_tmp.clear();
  }
}

}  // namespace docpipe::runner
