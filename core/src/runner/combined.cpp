#include "runner/combined.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <docpipe/sdk/text.hpp>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <unordered_map>

#include "error.hpp"
#include "runner/csv_read.hpp"
#include "support/csv.hpp"
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

// The values output of one report ("" when it has none).
fs::path values_file(const InputRecord &r, const fs::path &out_dir) {
  for (const auto &o : r.outputs)
    if (o.size() > 11 && o.compare(o.size() - 11, 11, ".values.csv") == 0) return out_dir / o;
  return {};
}

// How a path (bytes, perhaps not UTF-8) or a message holding one is shown:
// the SDK's one reversible escape.
std::string shown(std::string_view bytes) { return sdk::escape_bytes(bytes); }

// The one check of every writer: no invalid UTF-8 is ever emitted.
void require_utf8(std::string_view text, const std::string &where) {
  if (const size_t bad = sdk::invalid_utf8_at(text); bad != std::string_view::npos)
    throw Error(ExitCode::internal, where + ": not valid UTF-8 at byte " + std::to_string(bad) + "; refused");
}

bool plain_number(const std::string &s) {
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

// Copies CSV records to `out`, `suffix` (",a,b") added at the end of each
// record, before its line break (CRLF or LF, kept as it was).
void append_records(std::ostream &out, std::string_view t, std::string_view suffix) {
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == '"') {
      quoted = !quoted;  // "" inside a quoted field toggles twice
    } else if (c == '\n' && !quoted) {
      const size_t end = i > start && t[i - 1] == '\r' ? i - 1 : i;
      if (end > start) out << t.substr(start, end - start) << suffix << t.substr(end, i + 1 - end);
      start = i + 1;
    }
  }
  if (start < t.size()) out << t.substr(start) << suffix << "\r\n";
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
  Book(const fs::path &tmp, const fs::path &staging) : staging_(staging.string()) {
    lxw_workbook_options opt{};
    opt.constant_memory = LXW_TRUE;
    opt.use_zip64 = LXW_TRUE;
    std::error_code ec;
    if (!staging_.empty() && fs::is_directory(staging_, ec)) opt.tmpdir = staging_.data();
    wb_ = workbook_new_opt(tmp.c_str(), &opt);
    if (wb_ == nullptr) throw Error(ExitCode::cant_create, tmp.string() + ": cannot create the workbook");
    lxw_doc_properties props{};
    props.title = const_cast<char *>("docpipe summary");
    props.created = 946684800;  // fixed: the same inputs give the same bytes
    workbook_set_properties(wb_, &props);
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

  // One cell of the sheet's current row.
  void cell(Sheet &s, size_t c, const std::string &v, bool numeric) {
    if (v.empty()) return;  // blank stays blank
    require_utf8(v, "summary");
    const auto col = static_cast<lxw_col_t>(c);
    if (numeric && plain_number(v))
      check(worksheet_write_number(s.ws, s.next, col, std::stod(v), nullptr));
    else
      check(worksheet_write_string(s.ws, s.next, col, v.c_str(), nullptr));
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
  std::string staging_;
  lxw_workbook *wb_ = nullptr;
  lxw_format *label_ = nullptr;
  std::vector<std::unique_ptr<Sheet>> sheets_;
};

}  // namespace

// ---- CombinedOutputs ------------------------------------------------------

struct CombinedOutputs::Impl {
  const fs::path out_dir;
  const fs::path values_file, summary_file;
  fs::path values_tmp, summary_tmp;
  std::ofstream values;
  bool values_header = false;
  std::unique_ptr<Book> book;
  struct TemplateSheet {
    std::string id;
    Sheet *sheet = nullptr;
    std::unordered_map<std::string, size_t> column_of;  // table \x1f row \x1f column -> column
    size_t columns = 0;
  };
  std::vector<TemplateSheet> sheets;
  Sheet *none = nullptr, *checks = nullptr, *failures = nullptr, *cross_year = nullptr;
  std::vector<std::string> cells;  // reused for each report's row
  std::string key;

  // The report's metadata, first the columns frozen at the left.
  static constexpr size_t frozen = 4;
  static const std::vector<std::string> &meta() {
    static const std::vector<std::string> m = {"file",    "agency", "year",         "verdict",
                                               "reasons", "title",  "input plugin", "agency key"};
    return m;
  }
  void write_meta(Sheet &s, const InputRecord &r) {
    const std::string m[] = {shown(r.relpath), r.agency, r.year, r.verdict, r.reasons, r.title, r.plugin, r.agency_key};
    for (size_t i = 0; i < std::size(m); ++i) book->cell(s, i, m[i], i == 2);
  }
};

CombinedOutputs::CombinedOutputs(const fs::path &out_dir, const fs::path &values_file, const fs::path &summary_file,
                                 const std::vector<templates::Template> &templates)
    : impl_(new Impl{
          out_dir, values_file, summary_file, {}, {}, {}, false, {}, {}, nullptr, nullptr, nullptr, nullptr, {}, {}}) {
  Impl &m = *impl_;
  if (!values_file.empty()) {
    m.values_tmp = temp_for(values_file);
    m.values.open(m.values_tmp, std::ios::binary);
    if (!m.values) throw Error(ExitCode::cant_create, values_file.string() + ": cannot be written");
  }
  if (!summary_file.empty()) {
    m.summary_tmp = temp_for(summary_file);
    m.book = std::make_unique<Book>(m.summary_tmp, out_dir / ".docpipe" / "tmp");
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
                if (!sheet.column_of
                         .emplace(name + "\x1f" + row.path + "\x1f" + col.path, Impl::meta().size() + cells.size())
                         .second)
                  continue;
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
  const fs::path vf = r.status == "done" ? values_file(r, m.out_dir) : fs::path();
  std::string text;
  if (!vf.empty()) {
    try {
      text = read_file_bytes(vf);
    } catch (const std::exception &) {
      text.clear();  // a values file removed by hand: the report still gets its row
    }
  }
  std::string_view t(text);
  if (t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);

  // values.csv: each report's values file already holds its lines with
  // `file` = the path relative to the input folder; copied as they are, with
  // the report's agency and year appended to every record (so the combined
  // file can be pivoted by them). Only record ends are found: a line break
  // inside a quoted field is not one.
  if (m.values.is_open() && !t.empty()) {
    require_utf8(t, shown(vf.string()));
    const std::string suffix = "," + outputs::CsvWriter::encode(r.agency, true) + "," +
                               outputs::CsvWriter::encode(r.year, true) + "," +
                               outputs::CsvWriter::encode(r.agency_key, true);
    const size_t nl = t.find('\n');
    if (nl != std::string_view::npos) {
      if (!m.values_header) {
        m.values << "\xEF\xBB\xBF";
        append_records(m.values, t.substr(0, nl + 1), ",agency,year,agency_key");
        m.values_header = true;
      }
      append_records(m.values, t.substr(nl + 1), suffix);
    }
  }
  if (!m.book) return;

  if (r.status != "done") {
    m.book->cell(*m.failures, 0, shown(r.relpath), false);
    m.book->cell(*m.failures, 1, shown(r.error), false);
    m.book->end_row(*m.failures);
    return;
  }
  if (r.template_id.empty()) {
    m.write_meta(*m.none, r);
    m.book->end_row(*m.none);
  } else {
    for (auto &sheet : m.sheets) {
      if (sheet.id != r.template_id) continue;
      m.cells.assign(sheet.columns, std::string());
      bool first = true;
      for_each_csv_record(t, [&](const std::vector<std::string_view> &v) {
        if (first || v.size() < 6) {  // the header
          first = false;
          return;
        }
        m.key.assign(v[2]).append("\x1f").append(v[3]).append("\x1f").append(v[4]);
        if (auto it = sheet.column_of.find(m.key); it != sheet.column_of.end()) m.cells[it->second] = v[5];
      });
      m.write_meta(*sheet.sheet, r);  // constant memory: each row written whole, in order
      for (size_t c = Impl::meta().size(); c < m.cells.size(); ++c) m.book->cell(*sheet.sheet, c, m.cells[c], true);
      m.book->end_row(*sheet.sheet);
    }
  }
  for (const auto &v : r.violations) {
    const std::string f[] = {shown(r.relpath), v.identity, v.table, v.row, v.column, v.expected, v.actual};
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
    if (!m.values_header)
      m.values << "\xEF\xBB\xBF"
               << "file,template,table,row,column,value,state,number,unit,source_line,placement,verdict,agency,year,"
                  "agency_key\r\n";
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
