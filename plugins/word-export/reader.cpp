#include "reader.hpp"

#include <docpipe/sdk/text.hpp>
#include <string>
#include <vector>

namespace docpipe::word_export {
namespace {

bool is_cell_line(std::string_view line) { return !line.empty() && line.front() == '\t'; }

// A cell that holds a number alone ("12", "-3", "1,234", "0.35", "１２").
bool is_number_text(std::string_view text) {
  bool digit = false;
  for (char32_t c : sdk::to_u32(sdk::trim(text))) {
    if ((c >= U'0' && c <= U'9') || (c >= U'０' && c <= U'９'))
      digit = true;
    else if (c != U'.' && c != U',' && c != U'+' && c != U'-' && c != U'．' && c != U'，')
      return false;
  }
  return digit;
}

// Removes Tika's "[bookmark: NAME]" and "[image: ALT]" markers, which Word
// bookmarks (_GoBack, _Toc…, _Hlk…) and described pictures leave behind.
std::string strip_markers(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  // Copied run by run between the '[' that may open a marker.
  while (i < s.size()) {
    const size_t open = s.find('[', i);
    if (open == std::string_view::npos) {
      out.append(s.substr(i));
      break;
    }
    out.append(s.substr(i, open - i));
    if (s.compare(open, 11, "[bookmark: ") == 0 || s.compare(open, 8, "[image: ") == 0) {
      const size_t close = s.find(']', open);
      if (close != std::string_view::npos) {
        i = close + 1;
        continue;
      }
    }
    out += '[';
    i = open + 1;
  }
  return out;
}

// Most text holds no marker: then it is trimmed without the copy.
std::string clean(std::string_view raw) {
  return raw.find('[') == std::string_view::npos ? sdk::trim(raw) : sdk::trim(strip_markers(raw));
}

std::string cell_text(std::string_view raw) { return clean(raw); }

class Reader {
 public:
  Reader(std::string_view text, sdk::RawDocument &doc) : lines_(sdk::split_lines(text)), doc_(doc) {}

  void run() {
    size_t i = 0;
    while (i < lines_.size()) {
      if (is_cell_line(lines_[i])) {
        i = row_per_line(i) ? read_row_table(i) : read_table(i);
      } else {
        add_narrative(i);
        ++i;
      }
    }
  }

 private:
  int line_no(size_t index) const { return static_cast<int>(index) + 1; }
  bool blank(size_t index) const { return !is_cell_line(lines_[index]) && sdk::is_blank(lines_[index]); }

  void add_narrative(size_t index) {
    std::string text = clean(lines_[index]);
    if (text.empty()) return;
    const sdk::LineRange where{line_no(index), line_no(index)};
    if (const int level = sdk::numbered_heading_level(text); level > 0)
      doc_.add_heading(std::move(text), level, where);
    else
      doc_.add_paragraph(std::move(text), where);
  }

  // Reads one table starting at a cell line; returns the index after it.
  // A single blank line followed by a non-cell line is an empty paragraph
  // inside the current cell ("（四）无法" / "" / "提供"); two or more blank
  // lines before a non-cell line end the table (Tika closes a table with the
  // row's and the table's newline).
  size_t read_table(size_t i) {
    sdk::Table &table = doc_.add_table({line_no(i), line_no(i)});
    sdk::Row *row = nullptr;
    sdk::Cell *cell = nullptr;
    size_t last_content = i;
    while (i < lines_.size()) {
      if (is_cell_line(lines_[i])) {
        if (row == nullptr) row = &table.add_row({line_no(i), line_no(i)});
        cell = &row->add_cell(cell_text(lines_[i].substr(1)), {line_no(i), line_no(i)});
        row->lines.last = line_no(i);
        last_content = i;
        ++i;
        continue;
      }
      if (!blank(i)) {  // a further paragraph of the current cell
        append_paragraph(*cell, i, false);
        row->lines.last = line_no(i);
        last_content = i;
        ++i;
        continue;
      }
      size_t next = i;
      while (next < lines_.size() && blank(next)) ++next;
      const size_t blanks = next - i;
      if (next == lines_.size()) break;
      if (is_cell_line(lines_[next])) {  // the row ended; the next one starts
        row = nullptr;
        cell = nullptr;
        i = next;
        continue;
      }
      // ... except a numbered section heading ("五、…") after an empty or a
      // number cell: neither has a second paragraph, so the table ended
      // (Tika output with fewer newlines after a table than Tika 2 prints).
      const bool heading_after_table = cell != nullptr && (sdk::is_blank(cell->text) || is_number_text(cell->text)) &&
                                       sdk::numbered_heading_level(lines_[next]) == 1;
      if (blanks == 1 && cell != nullptr && !heading_after_table) {
        append_paragraph(*cell, next, true);
        row->lines.last = line_no(next);
        last_content = next;
        i = next + 1;
        continue;
      }
      break;
    }
    table.lines.last = line_no(last_content);
    return last_content + 1;
  }

  // Tika 4 (and Tika's SAX path) prints a table row per line: "\tA\tB\tC",
  // a cell's further paragraphs on the following lines. A table is in that
  // form when most of its first TAB-led lines hold further TABs.
  bool row_per_line(size_t i) const {
    size_t cells = 0, rows = 0;
    for (; i < lines_.size() && cells + rows < 10; ++i)
      if (is_cell_line(lines_[i])) (lines_[i].find('\t', 1) != std::string_view::npos ? rows : cells)++;
    return rows > cells;
  }

  size_t read_row_table(size_t i) {
    sdk::Table &table = doc_.add_table({line_no(i), line_no(i)});
    sdk::Row *row = nullptr;
    size_t last_content = i;
    while (i < lines_.size()) {
      if (is_cell_line(lines_[i])) {
        row = &table.add_row({line_no(i), line_no(i)});
        std::string_view rest = lines_[i].substr(1);
        while (true) {
          const size_t tab = rest.find('\t');
          row->add_cell(cell_text(rest.substr(0, tab)), {line_no(i), line_no(i)});
          if (tab == std::string_view::npos) break;
          rest.remove_prefix(tab + 1);
        }
        last_content = i++;
        continue;
      }
      if (!blank(i) && row != nullptr && last_content + 1 == i) {
        // A further paragraph of the row's last cell; the row may go on
        // after it ("\tA\tB1" / "B2\tC": cell B has two paragraphs).
        continue_row(*row, i, false);
        last_content = i++;
        continue;
      }
      size_t next = i;
      while (next < lines_.size() && blank(next)) ++next;
      if (next < lines_.size() && next > i && is_cell_line(lines_[next])) {
        i = next;
        continue;
      }
      // "\t（四）无法" / "" / "提供\t1.本机关…": an empty paragraph inside the
      // cell; the line after it holds a TAB (the row goes on) or a row follows.
      if (row != nullptr && next == i + 1 && next < lines_.size() && !blank(next) &&
          (lines_[next].find('\t') != std::string_view::npos ||
           (next + 1 < lines_.size() && is_cell_line(lines_[next + 1])))) {
        continue_row(*row, next, true);
        last_content = next;
        i = next + 1;
        continue;
      }
      break;
    }
    table.lines.last = line_no(last_content);
    return last_content + 1;
  }

  // A line that continues a row: its text up to the first TAB is a further
  // paragraph of the row's last cell, each TAB starts a new cell of the row.
  void continue_row(sdk::Row &row, size_t index, bool after_empty_paragraph) {
    std::string_view rest = lines_[index];
    const std::string more = cell_text(rest.substr(0, rest.find('\t')));
    sdk::Cell &cell = row.cells.back();
    if (!more.empty()) cell.text += (cell.text.empty() ? "" : after_empty_paragraph ? "\n\n" : "\n") + more;
    cell.lines.last = line_no(index);
    while (rest.find('\t') != std::string_view::npos) {
      rest.remove_prefix(rest.find('\t') + 1);
      row.add_cell(cell_text(rest.substr(0, rest.find('\t'))), {line_no(index), line_no(index)});
    }
    row.lines.last = line_no(index);
  }

  void append_paragraph(sdk::Cell &cell, size_t index, bool after_empty_paragraph) {
    const std::string more = cell_text(lines_[index]);
    if (!more.empty()) {
      if (!cell.text.empty()) cell.text += after_empty_paragraph ? "\n\n" : "\n";
      cell.text += more;
    }
    cell.lines.last = line_no(index);
  }

  std::vector<std::string_view> lines_;
  sdk::RawDocument &doc_;
};

}  // namespace

double probe(std::string_view text) {
  // Cheap: look at a prefix only. Tika's Word text has many lines that start
  // with a TAB and hold no other TAB; a TAB inside a line means another form,
  // unless every TAB-holding line starts with one (Tika 4's row per line; a
  // TAB-separated export has rows whose first field is not empty). The
  // window starts at the first line holding a TAB, so a long preamble of
  // prose (a cover letter, a table of contents) does not hide the tables.
  const size_t first_tab = text.find('\t');
  const size_t start = first_tab == std::string_view::npos ? 0 : text.rfind('\n', first_tab) + 1;  // npos + 1 == 0
  const std::string_view prefix = text.substr(start, 64 * 1024);
  size_t cell_lines = 0, inner_tab_lines = 0, blank_then_cell = 0, row_lines = 0, other_tab_lines = 0;
  bool prev_blank = false, prev_in_row = false;
  for (std::string_view line : sdk::split_lines(prefix)) {
    const size_t tab = line.find('\t', 1);
    // the rest of a row may follow a cell's line break, even after one empty paragraph
    const bool in_row = is_cell_line(line) || (prev_in_row && (!line.empty() || !prev_blank));
    if (is_cell_line(line)) {
      if (tab == std::string_view::npos)
        ++cell_lines;
      else
        ++inner_tab_lines, ++row_lines;
      if (prev_blank) ++blank_then_cell;
    } else if (line.find('\t') != std::string_view::npos) {
      ++inner_tab_lines;
      if (!prev_in_row) ++other_tab_lines;  // not the rest of a row after a cell's line break
    }
    prev_blank = line.empty();
    prev_in_row = in_row;
  }
  if (row_lines >= 8 && other_tab_lines == 0 && row_lines >= cell_lines) return 0.9;
  if (cell_lines < 8) return 0.0;
  const double purity = static_cast<double>(cell_lines) / static_cast<double>(cell_lines + inner_tab_lines * 4);
  const double rows = blank_then_cell >= 4 ? 1.0 : 0.6;
  return 0.95 * purity * rows;
}

void read(std::string_view text, sdk::RawDocument &doc) {
  Reader(text, doc).run();
  bool has_table = false;
  for (const auto &b : doc.blocks()) has_table |= b.kind == sdk::Block::Kind::table;
  if (!has_table) doc.diagnose(sdk::Severity::warning, 0, "no-table", "no table found (no line starts with a TAB)");
}

}  // namespace docpipe::word_export
