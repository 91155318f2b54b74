#include "runner/combined.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

#include <fstream>
#include <map>
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

void commit(const fs::path &tmp, const fs::path &file) {
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
  explicit Book(const fs::path &tmp) {
    lxw_workbook_options opt{};
    opt.constant_memory = LXW_TRUE;
    opt.use_zip64 = LXW_TRUE;
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
    const auto col = static_cast<lxw_col_t>(c);
    if (numeric && plain_number(v))
      check(worksheet_write_number(ws, r, col, std::stod(v), nullptr));
    else
      check(worksheet_write_string(ws, r, col, v.c_str(), nullptr));
  }
  void close(const fs::path &file) {
    const lxw_error e = workbook_close(wb_);
    wb_ = nullptr;
    if (e != LXW_NO_ERROR) throw Error(ExitCode::cant_create, file.string() + ": " + lxw_strerror(e));
  }

 private:
  static void check(lxw_error e) {
    if (e != LXW_NO_ERROR) throw Error(ExitCode::cant_create, std::string("summary: ") + lxw_strerror(e));
  }
  lxw_workbook *wb_ = nullptr;
  lxw_format *bold_ = nullptr;
};

}  // namespace

fs::path write_combined_values(const Ledger &ledger, const fs::path &out_dir, const fs::path &file) {
  // Each report's values file already holds its lines with `file` = the path
  // relative to the input folder: the combined file is their concatenation
  // under one header, copied without parsing.
  const fs::path tmp = temp_for(file);
  std::ofstream o(tmp, std::ios::binary);
  bool header_written = false;
  ledger.for_each([&](const InputRecord &r) {
    if (r.status != "done") return;
    const fs::path vf = values_file(r, out_dir);
    if (vf.empty()) return;
    std::string text = read_file_bytes(vf);
    std::string_view t(text);
    if (t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);
    const size_t nl = t.find('\n');
    if (nl == std::string_view::npos) return;
    if (!header_written) {
      o << "\xEF\xBB\xBF" << t.substr(0, nl + 1);
      header_written = true;
    }
    t.remove_prefix(nl + 1);
    o << t;
  });
  if (!header_written)
    o << "\xEF\xBB\xBF"
      << "file,template,table,row,column,value\r\n";
  o.close();
  if (!o) throw Error(ExitCode::cant_create, file.string() + ": cannot be written");
  commit(tmp, file);
  return file;
}

fs::path write_summary_xlsx(const Ledger &ledger, const std::vector<templates::Template> &templates,
                            const fs::path &out_dir, const fs::path &file) {
  const fs::path tmp = temp_for(file);
  {
    Book book(tmp);
    const std::vector<std::string> meta = {"file", "title", "agency", "year", "input plugin", "verdict", "reasons"};
    auto write_meta = [&](lxw_worksheet *ws, lxw_row_t row, const InputRecord &r) {
      const std::string m[] = {r.relpath, r.title, r.agency, r.year, r.plugin, r.verdict, r.reasons};
      for (size_t i = 0; i < std::size(m); ++i) book.cell(ws, row, i, m[i], i == 3);
    };
    // One sheet per template: a row per report, a column per template cell.
    for (const auto &t : templates) {
      std::vector<std::string> header = meta;
      std::unordered_map<std::string, size_t> column_of;
      for (const auto &tab : t.tables)
        for (const auto &s : tab.sections)
          for (const auto &row : s.rows)
            for (const auto &col : s.columns) {
              const std::string key = tab.name + "\x1f" + row.path + "\x1f" + col.path;
              column_of[key] = header.size();
              header.push_back(tab.name + " | " + (row.path.empty() ? "" : row.path + " | ") + col.path);
            }
      lxw_worksheet *ws = book.sheet(t.id, header);
      lxw_row_t n = 1;
      ledger.for_each([&](const InputRecord &r) {
        if (r.status != "done" || r.template_id != t.id) return;
        std::vector<std::string> cells(header.size());
        if (const fs::path vf = values_file(r, out_dir); !vf.empty()) {
          const std::string text = read_file_bytes(vf);
          std::string key;
          bool first = true;
          for_each_csv_record(text, [&](const std::vector<std::string_view> &v) {
            if (first || v.size() < 6) {  // the header
              first = false;
              return;
            }
            key.assign(v[2]).append("\x1f").append(v[3]).append("\x1f").append(v[4]);
            if (auto it = column_of.find(key); it != column_of.end()) cells[it->second] = v[5];
          });
        }
        write_meta(ws, n, r);  // constant memory: each row written whole, in order
        for (size_t c = meta.size(); c < cells.size(); ++c) book.cell(ws, n, c, cells[c], true);
        ++n;
      });
    }
    lxw_worksheet *none = book.sheet("no template", meta);
    lxw_row_t n = 1;
    ledger.for_each([&](const InputRecord &r) {
      if (r.status == "done" && r.template_id.empty()) write_meta(none, n++, r);
    });
    lxw_worksheet *checks = book.sheet("checks", {"file", "identity", "table", "row", "column", "expected", "actual"});
    n = 1;
    ledger.for_each([&](const InputRecord &r) {
      for (const auto &v : r.violations) {
        const std::string f[] = {r.relpath, v.identity, v.table, v.row, v.column, v.expected, v.actual};
        for (size_t i = 0; i < std::size(f); ++i) book.cell(checks, n, i, f[i], i >= 5);
        ++n;
      }
    });
    // No timings here: the summary is the same bytes whatever --jobs is.
    lxw_worksheet *failures = book.sheet("failures", {"file", "error"});
    n = 1;
    ledger.for_each([&](const InputRecord &r) {
      if (r.status != "done") {
        book.cell(failures, n, 0, r.relpath, false);
        book.cell(failures, n, 1, r.error, false);
        ++n;
      }
    });
    book.close(file);
  }
  commit(tmp, file);
  return file;
}

}  // namespace docpipe::runner
