#include "runner/combined.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

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
    bold_ = workbook_add_format(wb_);
    format_set_bold(bold_);
  }
  ~Book() {
    if (wb_ != nullptr) workbook_close(wb_);
  }
  lxw_worksheet *sheet(const std::string &name, const std::vector<std::string> &header) {
    lxw_worksheet *ws = workbook_add_worksheet(wb_, name.c_str());
    if (ws == nullptr) throw Error(ExitCode::cant_create, "summary: cannot add sheet " + name);
    for (size_t c = 0; c < header.size(); ++c)
      check(worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), header[c].c_str(), bold_));
    worksheet_freeze_panes(ws, 1, 0);
    return ws;
  }
  void cell(lxw_worksheet *ws, lxw_row_t r, size_t c, const std::string &v, bool numeric) {
    if (v.empty()) return;  // blank stays blank
    require_utf8(v, "summary");
    const auto col = static_cast<lxw_col_t>(c);
    if (numeric && plain_number(v))
      check(worksheet_write_number(ws, r, col, std::stod(v), nullptr));
    else
      check(worksheet_write_string(ws, r, col, v.c_str(), nullptr));
  }
  void close(const fs::path &file) {
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
  std::string staging_;
  lxw_workbook *wb_ = nullptr;
  lxw_format *bold_ = nullptr;
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
    lxw_worksheet *ws = nullptr;
    std::unordered_map<std::string, size_t> column_of;  // table \x1f row \x1f column -> column
    size_t columns = 0;
    lxw_row_t next = 1;
  };
  std::vector<TemplateSheet> sheets;
  lxw_worksheet *none = nullptr, *checks = nullptr, *failures = nullptr;
  lxw_row_t none_next = 1, checks_next = 1, failures_next = 1;
  std::vector<std::string> cells;  // reused for each report's row
  std::string key;

  static const std::vector<std::string> &meta() {
    static const std::vector<std::string> m = {"file", "title", "agency", "year", "input plugin", "verdict", "reasons"};
    return m;
  }
  void write_meta(lxw_worksheet *ws, lxw_row_t row, const InputRecord &r) {
    const std::string m[] = {shown(r.relpath), r.title, r.agency, r.year, r.plugin, r.verdict, r.reasons};
    for (size_t i = 0; i < std::size(m); ++i) book->cell(ws, row, i, m[i], i == 3);
  }
};

CombinedOutputs::CombinedOutputs(const fs::path &out_dir, const fs::path &values_file, const fs::path &summary_file,
                                 const std::vector<templates::Template> &templates)
    : impl_(new Impl{
          out_dir, values_file, summary_file, {}, {}, {}, false, {}, {}, nullptr, nullptr, nullptr, 1, 1, 1, {}, {}}) {
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
      std::vector<std::string> header = Impl::meta();
      // Every layout of every table (a variant's rows too: 收到和处理 with the
      // 2019 row （六）其他处理 under ogi-2021), each cell once.
      for (size_t ti = 0; ti < t.tables.size(); ++ti)
        for (size_t k = 0; k <= t.variants[ti].size(); ++k)
          for (const auto &sec : t.layout(ti, k).sections)
            for (const auto &row : sec.rows)
              for (const auto &col : sec.columns) {
                const std::string &name = t.tables[ti].name;
                if (!sheet.column_of.emplace(name + "\x1f" + row.path + "\x1f" + col.path, header.size()).second)
                  continue;
                header.push_back(name + " | " + (row.path.empty() ? "" : row.path + " | ") + col.path);
              }
      sheet.columns = header.size();
      sheet.ws = m.book->sheet(t.id, header);
      m.sheets.push_back(std::move(sheet));
    }
    m.none = m.book->sheet("no template", Impl::meta());
    m.checks = m.book->sheet("checks", {"file", "identity", "table", "row", "column", "expected", "actual"});
    // No timings here: the summary is the same bytes whatever --jobs is.
    m.failures = m.book->sheet("failures", {"file", "error"});
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
  // `file` = the path relative to the input folder; copied without parsing.
  if (m.values.is_open() && !t.empty()) {
    require_utf8(t, shown(vf.string()));
    const size_t nl = t.find('\n');
    if (nl != std::string_view::npos) {
      if (!m.values_header) {
        m.values << "\xEF\xBB\xBF" << t.substr(0, nl + 1);
        m.values_header = true;
      }
      m.values << t.substr(nl + 1);
    }
  }
  if (!m.book) return;

  if (r.status != "done") {
    m.book->cell(m.failures, m.failures_next, 0, shown(r.relpath), false);
    m.book->cell(m.failures, m.failures_next, 1, shown(r.error), false);
    ++m.failures_next;
    return;
  }
  if (r.template_id.empty()) {
    m.write_meta(m.none, m.none_next++, r);
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
      m.write_meta(sheet.ws, sheet.next, r);  // constant memory: each row written whole, in order
      for (size_t c = Impl::meta().size(); c < m.cells.size(); ++c)
        m.book->cell(sheet.ws, sheet.next, c, m.cells[c], true);
      ++sheet.next;
    }
  }
  for (const auto &v : r.violations) {
    const std::string f[] = {shown(r.relpath), v.identity, v.table, v.row, v.column, v.expected, v.actual};
    for (size_t i = 0; i < std::size(f); ++i) m.book->cell(m.checks, m.checks_next, i, f[i], i >= 5);
    ++m.checks_next;
  }
}

void CombinedOutputs::commit() {
  Impl &m = *impl_;
  if (m.values.is_open()) {
    if (!m.values_header)
      m.values << "\xEF\xBB\xBF"
               << "file,template,table,row,column,value\r\n";
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
