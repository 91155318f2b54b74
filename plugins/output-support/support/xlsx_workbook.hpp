// A thin, checked layer over libxlsxwriter 1.1.4: the xlsx plugin's
// workbooks, and (new_workbook, file_cause) the bulk runner's summary.xlsx,
// so that the workbook options docpipe uses are set in one place.
//
// libxlsxwriter reports most problems through return values (and the rest at
// workbook_close), so every call here is checked and turned into a
// docpipe::sdk::Error(DOCPIPE_ERR_OUTPUT) naming the sheet and cell. Every
// object lives inside one Workbook, which belongs to one write call: nothing
// is shared between threads.
#pragma once

#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <docpipe/sdk/text.hpp>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "support/model.hpp"

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

// libxlsxwriter's file errors ("Zip generic error ZIP_ERRNO", "Error creating
// output xlsx file") leave the real cause in errno: a full disk, a quota.
inline std::string file_cause() {
  const int err = errno;
  return err == ENOSPC || err == EDQUOT || err == EFBIG || err == EIO || err == EROFS
             ? std::string(" (") + std::strerror(err) + ")"
             : "";
}

// How docpipe opens a workbook: the one place that sets libxlsxwriter's
// options and the document properties.
struct WorkbookOptions {
  bool constant_memory = false;  // rows written in order, each flushed (large sheets)
  bool zip64 = false;            // parts over 4 GB
  std::string tmpdir;            // where libxlsxwriter stages the parts ("": its default)
  std::string title, author;     // "" leaves the property out
  std::time_t created = 0;       // fixed, so the same content gives the same bytes (0: now)
};

// nullptr when libxlsxwriter cannot create it (see file_cause()). `o` must
// live as long as the workbook: libxlsxwriter keeps a pointer to its tmpdir.
inline lxw_workbook *new_workbook(const std::string &path, WorkbookOptions &o) {
  lxw_workbook_options options{};
  options.constant_memory = o.constant_memory ? LXW_TRUE : LXW_FALSE;
  options.use_zip64 = o.zip64 ? LXW_TRUE : LXW_FALSE;
  if (!o.tmpdir.empty()) options.tmpdir = o.tmpdir.data();
  lxw_workbook *wb = workbook_new_opt(path.c_str(), &options);
  if (wb == nullptr) return nullptr;
  lxw_doc_properties props{};
  std::string title = o.title, author = o.author;  // the struct wants char *; libxlsxwriter copies them
  if (!title.empty()) props.title = title.data();
  if (!author.empty()) props.author = author.data();
  props.created = o.created;
  if (workbook_set_properties(wb, &props) != LXW_NO_ERROR) {
    lxw_workbook_free(wb);
    return nullptr;
  }
  return wb;
}

inline void check(lxw_error e, const std::string &what) {
  if (e != LXW_NO_ERROR) {
    const std::string cause = file_cause();
    throw Error(DOCPIPE_ERR_OUTPUT, "xlsx: " + what + ": " + lxw_strerror(e) + cause);
  }
}

// One worksheet, plus what it takes to size its columns: the widest line of
// text seen in each column, in display columns (a CJK character counts 2,
// which is also about its width in Excel's default font).
//
// It also keeps the text of every cell whose format wraps, so that rows can
// be made tall enough for their wrapped lines once the widths are known
// (neither Excel nor LibreOffice sizes a row for a merged cell's text).
class Sheet {
 public:
  // `wrapping`: the workbook's formats that wrap text.
  Sheet(lxw_worksheet *ws, std::string name, std::vector<lxw_format *> wrapping = {})
      : ws_(ws), name_(std::move(name)), wrapping_(std::move(wrapping)) {}

  void text(int r, int c, std::string_view s, lxw_format *f) {
    if (s.empty()) return blank(r, c, f);
    require_utf8(s, "xlsx sheet " + name_);
    const std::string copy(s);  // libxlsxwriter wants a NUL-terminated string
    check_at(worksheet_write_string(ws_, r, c, copy.c_str(), f), r, c);
    fit(c, s);
    keep_wrapped(r, c, r, c, s, f);
  }
  void number(int r, int c, double v, lxw_format *f, std::string_view shown) {
    check_at(worksheet_write_number(ws_, r, c, v, f), r, c);
    fit(c, shown);
  }
  void blank(int r, int c, lxw_format *f) {
    // Without a format a blank cell writes nothing at all, which is fine.
    if (f != nullptr) check_at(worksheet_write_blank(ws_, r, c, f), r, c);
  }
  // A merged range; its text (or number, written afterwards over the first
  // cell) is not used for sizing, since it spreads over several columns.
  void merge(int r1, int c1, int r2, int c2, std::string_view s, lxw_format *f) {
    const std::string copy(s);
    check_at(worksheet_merge_range(ws_, r1, c1, r2, c2, copy.c_str(), f), r1, c1, " (merge)");
    keep_wrapped(r1, c1, r2, c2, s, f);
  }
  // A note on a cell (shown when the pointer rests on it; its red corner
  // mark shows that there is one).
  void comment(int r, int c, const std::string &s) {
    require_utf8(s, "xlsx comment in sheet " + name_);
    lxw_comment_options o{};
    static char author[] = "docpipe";  // libxlsxwriter wants char *; it outlives the workbook
    o.author = author;
    o.width = 320;  // points: room for a line naming an identity and its sums
    check_at(worksheet_write_comment_opt(ws_, r, c, s.c_str(), &o), r, c, " (comment)");
  }
  void merged_number(int r, int c, double v, lxw_format *f) { check_at(worksheet_write_number(ws_, r, c, v, f), r, c); }

  // A note on a cell (a correction by hand: why, and what was read).
  void comment(int r, int c, std::string_view s) {
    require_utf8(s, "xlsx sheet " + name_);
    const std::string copy(s);
    check_at(worksheet_write_comment(ws_, r, c, copy.c_str()), r, c, " (comment)");
  }

  void freeze(int rows, int cols) {
    if (rows > 0 || cols > 0) worksheet_freeze_panes(ws_, rows, cols);
  }
  void autofilter(int r1, int c1, int r2, int c2) {
    check_at(worksheet_autofilter(ws_, r1, c1, r2, c2), r1, c1, " (autofilter)");
  }

  void fit(int c, std::string_view s) {
    if (c >= static_cast<int>(width_.size())) width_.resize(c + 1, 0);
    while (true) {  // the widest line
      const size_t nl = s.find('\n');
      width_[c] = std::max(width_[c], sdk::display_width(s.substr(0, nl)));
      if (nl == std::string_view::npos) break;
      s.remove_prefix(nl + 1);
    }
  }
  // Sets every column seen to its text width plus a margin, within limits;
  // longer text wraps (every text format wraps).
  void size_columns(int min_width = 6, int max_width = 40) {
    set_width_.assign(width_.size(), 0);
    for (size_t c = 0; c < width_.size(); ++c) {
      const double w = std::clamp(width_[c] + 2, min_width, max_width);
      set_width_[c] = w;
      check(worksheet_set_column(ws_, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), w, nullptr),
            "column width in sheet " + name_);
    }
  }

  // After size_columns: a row holding wrapped text (a label longer than its
  // column, a label merged over several label columns or rows, lines of
  // terms) gets the height of its lines: LibreOffice keeps the default
  // height of a row written without one, and neither it nor Excel ever
  // sizes a row for a merged cell's text, whose lines then overlap the next
  // rows. A line of a range w wide holds about w display columns (a CJK
  // character counts 2); a merged cell over several rows spreads its lines
  // over them.
  void size_rows() {
    constexpr double kLine = 15;  // points per line of 11-point text (Excel's default row)
    constexpr double kDefault = 15;
    std::map<int, double> height;
    const auto lines = [&](const Wrapped &w) {
      double width = 0;
      for (int c = w.c1; c <= w.c2; ++c)
        width += static_cast<size_t>(c) < set_width_.size() && set_width_[c] > 0 ? set_width_[c] : 8.43;
      const int per_line = std::max(1, static_cast<int>(width));
      int n = 0;
      std::string_view s = w.text;
      while (true) {
        const size_t nl = s.find('\n');
        const int cols = sdk::display_width(s.substr(0, nl));
        n += std::max(1, (cols + per_line - 1) / per_line);
        if (nl == std::string_view::npos) break;
        s.remove_prefix(nl + 1);
      }
      return n;
    };
    const auto need = [&](const Wrapped &w) { return kDefault + (lines(w) - 1) * kLine; };
    const auto at = [&](int r) {
      const auto it = height.find(r);
      return it == height.end() ? kDefault : it->second;
    };
    for (const Wrapped &w : wrapped_)
      if (w.r1 == w.r2) height[w.r1] = std::max(at(w.r1), need(w));
    for (const Wrapped &w : wrapped_) {
      if (w.r1 == w.r2) continue;
      double total = 0;
      for (int r = w.r1; r <= w.r2; ++r) total += at(r);
      const double needed = need(w);
      if (needed <= total) continue;
      const double extra = (needed - total) / (w.r2 - w.r1 + 1);
      for (int r = w.r1; r <= w.r2; ++r) height[r] = at(r) + extra;
    }
    constexpr double kMax = 409;  // Excel's highest row; longer text is cut there
    for (const auto &[r, h] : height)
      if (h > kDefault)
        check_at(worksheet_set_row(ws_, static_cast<lxw_row_t>(r), std::min(h, kMax), nullptr), r, 0, " (row height)");
  }

  // Ready to print: landscape A4, the sheet's name over each page and the
  // page number under it, every column on one page width (as many pages
  // down as it takes), and the first `header_rows` rows repeated on each.
  void print_layout(int header_rows) {
    worksheet_set_landscape(ws_);
    worksheet_set_paper(ws_, 9);  // A4
    worksheet_set_margins(ws_, 0.4, 0.4, 0.6, 0.6);
    worksheet_center_horizontally(ws_);
    worksheet_fit_to_pages(ws_, 1, 0);
    check(worksheet_set_header(ws_, "&C&A"), "page header of sheet " + name_);
    check(worksheet_set_footer(ws_, "&C&P / &N"), "page footer of sheet " + name_);
    if (header_rows > 0)
      check(worksheet_repeat_rows(ws_, 0, static_cast<lxw_row_t>(header_rows - 1)), "repeated rows of sheet " + name_);
  }

 private:
  // The cell's name is only built for an error message: every write calls this.
  void check_at(lxw_error e, int r, int c, const char *what = "") const {
    if (e != LXW_NO_ERROR) check(e, where(r, c) + what);
  }
  std::string where(int r, int c) const {
    char cell[LXW_MAX_CELL_NAME_LENGTH];
    lxw_rowcol_to_cell(cell, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c));
    return "sheet " + name_ + " cell " + cell;
  }

  void keep_wrapped(int r1, int c1, int r2, int c2, std::string_view s, lxw_format *f) {
    if (!s.empty() && f != nullptr && std::find(wrapping_.begin(), wrapping_.end(), f) != wrapping_.end())
      wrapped_.push_back({r1, c1, r2, c2, std::string(s)});
  }

  struct Wrapped {
    int r1, c1, r2, c2;
    std::string text;
  };
  lxw_worksheet *ws_;
  std::string name_;
  std::vector<lxw_format *> wrapping_;
  std::vector<int> width_;
  std::vector<double> set_width_;  // as size_columns set them
  std::vector<Wrapped> wrapped_;
};

// Formats used by the plugin, owned by the workbook.
struct Formats {
  lxw_format *header;                   // header / label cells: bold, centred, wrapped, bordered
  lxw_format *text;                     // body text: wrapped, top-aligned, bordered
  lxw_format *number;                   // body numbers: bordered
  lxw_format *absent;                   // a grid position that is no template cell: grey
  lxw_format *bold;                     // column titles of the list sheets
  lxw_format *wrap;                     // list-sheet text that may hold line breaks
  lxw_format *fail;                     // a failed identity
  lxw_format *top;                      // list-sheet cells beside wrapped text: at the top, as that text
  lxw_format *fail_number, *fail_text;  // a template cell that is a term of a failed identity
  lxw_format *note;                     // a note the form prints in a table's header (勾稽关系)
};

class Workbook {
 public:
  // The `created` document property is fixed so that the same model always
  // gives the same bytes (libxlsxwriter otherwise stamps the current time).
  // 2020-01-01T00:00:00Z: any fixed non-zero time_t would do, 0 means "now".
  static constexpr std::time_t kCreated = 1577836800;

  Workbook(const std::string &path, const std::string &title) : path_(path) {
    // libxlsxwriter opens the file only in workbook_close, after all the
    // work, and then prints its complaint to stderr; creating it now fails
    // early with a clean message. It is truncated and rewritten at close.
    write_text(path, "");
    WorkbookOptions &options = options_;
    options.constant_memory = false;  // merges and free write order need the full model
    // libxlsxwriter stages every part of the package in a temporary file:
    // in the host's private temporary folder (DOCPIPE_TMPDIR: `run` and
    // `convert` set one in the output folder, the same file system, often
    // tmpfs in bulk runs, and clear it when they start again), so a killed
    // process leaves none of them among the outputs; else beside the output
    // rather than in /tmp, which may be a slow disk.
    const char *private_tmp = std::getenv("DOCPIPE_TMPDIR");
    if (private_tmp != nullptr && *private_tmp != '\0')
      options.tmpdir = private_tmp;
    else
      options.tmpdir = path.substr(0, path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/'));
    require_utf8(title, "xlsx title");
    options.title = title;
    options.author = "docpipe";
    options.created = kCreated;
    wb_.reset(new_workbook(path, options));
    if (!wb_) throw Error(DOCPIPE_ERR_OUTPUT, "xlsx: cannot create workbook " + path);

    formats_.header = add_format();
    format_set_bold(formats_.header);
    format_set_text_wrap(formats_.header);
    format_set_align(formats_.header, LXW_ALIGN_CENTER);
    format_set_align(formats_.header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(formats_.header, LXW_BORDER_THIN);
    formats_.text = add_format();
    format_set_text_wrap(formats_.text);
    format_set_align(formats_.text, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(formats_.text, LXW_BORDER_THIN);
    formats_.number = add_format();
    format_set_align(formats_.number, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(formats_.number, LXW_BORDER_THIN);
    formats_.absent = add_format();
    format_set_border(formats_.absent, LXW_BORDER_THIN);
    format_set_pattern(formats_.absent, LXW_PATTERN_SOLID);
    format_set_bg_color(formats_.absent, 0xD9D9D9);
    formats_.bold = add_format();
    format_set_bold(formats_.bold);
    formats_.wrap = add_format();
    format_set_text_wrap(formats_.wrap);
    format_set_align(formats_.wrap, LXW_ALIGN_VERTICAL_TOP);
    formats_.fail = add_format();
    format_set_bold(formats_.fail);
    format_set_font_color(formats_.fail, 0x9C0006);
    format_set_pattern(formats_.fail, LXW_PATTERN_SOLID);
    format_set_bg_color(formats_.fail, 0xFFC7CE);
    format_set_align(formats_.fail, LXW_ALIGN_VERTICAL_TOP);
    formats_.top = add_format();
    format_set_align(formats_.top, LXW_ALIGN_VERTICAL_TOP);
    for (lxw_format **cell : {&formats_.fail_number, &formats_.fail_text}) {
      *cell = add_format();
      format_set_align(*cell, LXW_ALIGN_VERTICAL_TOP);
      format_set_border(*cell, LXW_BORDER_THIN);
      format_set_font_color(*cell, 0x9C0006);
      format_set_pattern(*cell, LXW_PATTERN_SOLID);
      format_set_bg_color(*cell, 0xFFC7CE);
    }
    format_set_text_wrap(formats_.fail_text);
    formats_.note = add_format();
    format_set_text_wrap(formats_.note);
    format_set_align(formats_.note, LXW_ALIGN_LEFT);
    format_set_align(formats_.note, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(formats_.note, LXW_BORDER_THIN);
  }

  Workbook(const Workbook &) = delete;
  Workbook &operator=(const Workbook &) = delete;

  Sheet add_sheet(std::string_view wanted) {
    std::string name = names_.make(wanted);
    lxw_worksheet *ws = workbook_add_worksheet(wb_.get(), name.c_str());
    if (ws == nullptr) throw Error(DOCPIPE_ERR_OUTPUT, "xlsx: cannot add worksheet " + name);
    return Sheet(ws, std::move(name),
                 {formats_.header, formats_.text, formats_.wrap, formats_.fail_text, formats_.note});
  }

  const Formats &formats() const { return formats_; }

  // Assembles and writes the file; most I/O errors surface only here.
  void close() {
    // workbook_close frees the workbook whatever the outcome.
    check(workbook_close(wb_.release()), "writing " + path_);
  }

 private:
  lxw_format *add_format() {
    lxw_format *f = workbook_add_format(wb_.get());
    if (f == nullptr) throw Error(DOCPIPE_ERR_OUTPUT, "xlsx: out of memory creating a cell format");
    return f;
  }

  // Freed without writing when the write call fails before close(), also
  // from inside the constructor; the host then removes the temporary file.
  struct Free {
    void operator()(lxw_workbook *wb) const { lxw_workbook_free(wb); }
  };

  std::string path_;
  WorkbookOptions options_;
  std::unique_ptr<lxw_workbook, Free> wb_;
  SheetNames names_;
  Formats formats_{};
};

}  // namespace docpipe::outputs::xlsx
