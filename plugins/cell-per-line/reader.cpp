#include "reader.hpp"

#include <algorithm>
#include <docpipe/sdk/cells.hpp>
#include <docpipe/sdk/labels.hpp>
#include <docpipe/sdk/plugin.hpp>
#include <docpipe/sdk/text.hpp>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace docpipe::cell_per_line {
namespace {

// A cell's label may be printed over several lines (one per paragraph of the
// cell: "本年新" / "制作数量", "商业" / "企业"); at most this many are joined.
constexpr size_t kMaxJoin = 4;
// How far ahead the reader looks to decide which table variant a region is.
constexpr size_t kLookahead = 800;

// ---- probe ----

// A line that holds one number and nothing else ("12", "-2", "452.8339",
// "１２"): the SDK's rule of what a number is, as every reader's.
bool is_lone_number(std::string_view line) { return sdk::parse_value(line).state == sdk::ValueState::number; }

// Two spaces in a row inside the text: columns laid out with spaces.
bool has_inner_space_run(std::string_view line) {
  const std::string_view t = sdk::trim_view(line);
  return t.find("  ") != std::string_view::npos || t.find("\u3000\u3000") != std::string_view::npos;
}

// A line of one "|" and nothing else: a cell separator.
bool is_bar_line(std::string_view line) { return sdk::trim_view(line) == "|"; }

// display_width(text) <= cols, measuring only as much of a long line as
// decides it: widths add up, and a code point is at most 2 columns wide and
// at least a byte long, so a prefix already wider answers for the line.
bool fits_width(std::string_view text, int cols) {
  const auto limit = static_cast<size_t>(cols);
  if (text.size() <= limit / 2) return true;
  size_t cut = std::min(text.size(), limit * 3 + 3);
  while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // a code point's start
  const int head = sdk::display_width(text.substr(0, cut));
  if (head > cols || cut == text.size()) return head <= cols;
  return sdk::display_width(text) <= cols;
}

// ---- the hints, indexed by label key ----

// The CJK unified ideographs (U+4E00-U+9FFF) of a text that are not Chinese
// numerals. Its label key keeps every one of them: NFKC leaves such a
// character as it is, and an enumerator, white space or punctuation never
// holds one. So a text that holds more of them than every known key cannot
// make a known label, and its key need not be made.
size_t plain_han(std::string_view utf8) {
  thread_local std::u32string buf;
  buf.resize(utf8.size());
  const size_t n = sdk::decode_utf8(utf8, buf.data());
  return static_cast<size_t>(std::count_if(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n), [](char32_t c) {
    return c >= 0x4E00 && c <= 0x9FFF && !sdk::is_chinese_numeral(c);
  }));
}

// sdk::label_key(text), remembered: every report prints the tables' labels
// (and the joins of their lines) alike, so the worker that reads report
// after report makes each key once. Bounded: prose lines rarely repeat.
std::string label_key(const std::string &text) {
  thread_local std::unordered_map<std::string, std::string> made;
  if (const auto it = made.find(text); it != made.end()) return it->second;
  std::string key = sdk::label_key(text);
  if (made.size() >= 4096) made.clear();
  made.emplace(text, key);
  return key;
}

enum class Kind { name, header, section, group, row };

struct Entry {
  Kind kind;
  size_t section = 0;
  size_t row = 0;
  int depth = 0;     // header: level in the header; group: level among the row's groups
  size_t order = 0;  // header: the column's position, to order repeated labels
};

struct TableIndex {
  const sdk::HintTable *table = nullptr;
  std::unordered_map<std::string, std::vector<Entry>> by_key;
  // The unlabelled row of each section (the 行政复议/行政诉讼 table), if any.
  std::vector<std::optional<size_t>> unlabelled;
};

struct Index {
  std::vector<TableIndex> tables;
  std::unordered_map<std::string, std::vector<size_t>> tables_of_key;  // every kind
  std::unordered_map<std::string, std::vector<size_t>> tables_of_name;
  size_t max_plain_han = 0;  // the most plain_han() of any key

  explicit Index(const sdk::ShapeHints &hints) {
    for (const sdk::HintTable &t : hints.tables) {
      TableIndex ti;
      ti.table = &t;
      const size_t at = tables.size();
      auto add = [&](const std::string &key, Entry e) {
        if (key.empty()) return;
        ti.by_key[key].push_back(e);
        auto &list = tables_of_key[key];
        if (list.empty() || list.back() != at) list.push_back(at);
      };
      const std::string name_key = sdk::label_key(t.name);
      add(name_key, {Kind::name});
      if (!name_key.empty()) tables_of_name[name_key].push_back(at);
      for (const auto &h : t.header_labels) add(sdk::label_key(h), {Kind::header, 0, 0, 0, 0});
      size_t order = 0;
      for (size_t si = 0; si < t.sections.size(); ++si) {
        const sdk::HintSection &s = t.sections[si];
        add(sdk::label_key(s.label), {Kind::section, si});
        for (const sdk::HintColumn &c : s.columns) {
          for (size_t d = 0; d + 1 < c.labels.size(); ++d)
            add(sdk::label_key(c.labels[d]), {Kind::header, si, 0, static_cast<int>(d), order});
          const int leaf = c.labels.empty() ? 0 : static_cast<int>(c.labels.size()) - 1;
          for (const auto &k : c.keys) add(k, {Kind::header, si, 0, leaf, order});
          ++order;
        }
        ti.unlabelled.push_back(std::nullopt);
        for (size_t ri = 0; ri < s.rows.size(); ++ri) {
          const sdk::HintRow &r = s.rows[ri];
          for (size_t d = 0; d < r.groups.size(); ++d)
            add(sdk::label_key(r.groups[d]), {Kind::group, si, ri, static_cast<int>(d)});
          bool labelled = false;
          for (const auto &k : r.keys) {
            labelled |= !k.empty();
            add(k, {Kind::row, si, ri});
          }
          if (!labelled) ti.unlabelled.back() = ri;
        }
      }
      // A group label comes once per row of its group: one entry is enough.
      for (auto &[key, list] : ti.by_key) {
        list.erase(std::unique(list.begin(), list.end(),
                               [](const Entry &a, const Entry &b) {
                                 return a.kind == Kind::group && b.kind == Kind::group && a.section == b.section &&
                                        a.depth == b.depth;
                               }),
                   list.end());
      }
      tables.push_back(std::move(ti));
    }
    for (const auto &[key, list] : tables_of_key) max_plain_han = std::max(max_plain_han, plain_han(key));
  }
};

// ---- the reader ----

struct Line {
  int no = 0;        // physical line, 1-based
  std::string text;  // trimmed (NBSP and other Unicode spaces too)
  std::string key;   // label key of the text ("" when it cannot be a known label)
  size_t plain_han = 0;
};

struct Match {
  size_t count = 0;  // lines joined
  const std::vector<Entry> *entries = nullptr;
  std::string text;  // the joined label, lines kept apart by '\n'
  std::string key;   // the label key the lookup found
  bool hit() const { return entries != nullptr; }
};

class Reader {
 public:
  Reader(std::string_view text, const sdk::ShapeHints &hints, sdk::RawDocument &doc)
      : index_(sdk::derived_from<Index>(hints)), doc_(doc) {
    const std::vector<std::string_view> raw = sdk::split_lines(text);
    // Where an empty line follows nearly every line (lynx -dump of cells
    // holding <p>: each paragraph is followed by one), empty lines only
    // separate, and a blank cell is a line of spaces (&nbsp;) or nothing at
    // all (then its row is short, and reported). Elsewhere (LibreOffice) an
    // empty line is a blank cell.
    size_t filled = 0, spaced = 0;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (sdk::is_blank(raw[i])) continue;
      ++filled;
      spaced += i + 1 < raw.size() && raw[i + 1].empty();
    }
    const bool separated = filled >= 30 && spaced * 10 >= filled * 8;
    // Where lines of a lone "|" are many, they separate cells (as crawlers
    // write them): they are dropped, and an empty line is still a blank cell.
    size_t bars = 0;
    for (std::string_view l : raw) bars += is_bar_line(l) ? 1 : 0;
    const bool barred = filled >= 30 && bars * 5 >= filled;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (separated && raw[i].empty()) continue;
      if (barred && is_bar_line(raw[i])) continue;
      Line line;
      line.no = static_cast<int>(i) + 1;
      line.text = sdk::trim(raw[i]);
      line.plain_han = plain_han(line.text);
      if (!line.text.empty() && line.plain_han <= index_.max_plain_han && !is_lone_number(line.text))
        line.key = label_key(line.text);
      lines_.push_back(std::move(line));
    }
  }

  void run() {
    size_t i = 0;
    while (i < lines_.size()) {
      if (blank(i)) {
        ++i;
        continue;
      }
      // A table's title, or one of its labels without a title before it.
      std::vector<size_t> candidates;
      size_t start = i;
      if (const auto it = index_.tables_of_name.find(lines_[i].key); it != index_.tables_of_name.end()) {
        candidates = it->second;
        narrative(i);
        start = i + 1;
      } else if (const Match m = match_any(i); m.hit()) {
        candidates = index_.tables_of_key.at(m.key);
      } else {
        narrative(i);
        ++i;
        continue;
      }
      const size_t table = choose(candidates, start);
      const size_t next = read_table(index_.tables[table], start);
      if (next == i) {  // nothing read: the line is text after all
        narrative(i);
        ++i;
      } else {
        i = next;
      }
    }
  }

 private:
  int line_no(size_t i) const {
    if (i < lines_.size()) return lines_[i].no;
    return lines_.empty() ? 1 : lines_.back().no + 1;
  }
  bool blank(size_t i) const { return lines_[i].text.empty(); }

  void narrative(size_t i) {
    const sdk::LineRange where{line_no(i), line_no(i)};
    if (const int level = sdk::numbered_heading_level(lines_[i].text); level > 0)
      doc_.add_heading(lines_[i].text, level, where);
    else
      doc_.add_paragraph(lines_[i].text, where);
  }

  // The label that starts at line i: one line, or a cell's paragraphs
  // joined ("本年新" / "制作数量", "（六）其他" / "处理"); the longest join
  // that makes a known label wins, since a label's first line may be a
  // shorter label by itself (其他).
  template <class Lookup>
  Match match_with(size_t i, Lookup &&lookup) const {
    Match m;
    const std::vector<std::string> &keys = join_keys(i);
    for (size_t k = 0; k < keys.size(); ++k) {
      if (const std::vector<Entry> *e = lookup(keys[k]); e != nullptr) {
        m.count = k + 1;
        m.entries = e;
      }
    }
    if (m.hit()) m.key = keys[m.count - 1];
    for (size_t j = 0; j < m.count; ++j) m.text += (j > 0 ? "\n" : "") + lines_[i + j].text;
    return m;
  }

  // The label keys of the joins that start at line i (keys[k]: k + 1 lines),
  // made once: every candidate table asks for them again.
  const std::vector<std::string> &join_keys(size_t i) const {
    if (join_keys_.size() != lines_.size()) join_keys_.assign(lines_.size(), std::nullopt);
    std::optional<std::vector<std::string>> &keys = join_keys_[i];
    if (keys) return *keys;
    keys.emplace();
    std::string joined;
    size_t han = 0;
    for (size_t k = 0; k < kMaxJoin && i + k < lines_.size() && !blank(i + k); ++k) {
      // A value cell (a number or a placeholder such as "/") never continues a
      // label: "（一）予以公开" / "/" is a label and its first cell.
      if (k > 0 && sdk::is_value(lines_[i + k].text)) break;
      // Nor can this join or a longer one make a known label (plain_han).
      han += lines_[i + k].plain_han;
      if (k > 0 && han > index_.max_plain_han) break;
      joined += lines_[i + k].text;
      keys->push_back(k == 0 ? lines_[i].key : label_key(joined));
    }
    return *keys;
  }

  Match match_in(const TableIndex &t, size_t i) const {
    return match_with(i, [&](const std::string &key) -> const std::vector<Entry> * {
      const auto it = t.by_key.find(key);
      return it == t.by_key.end() ? nullptr : &it->second;
    });
  }

  Match match_any(size_t i) const {
    static const std::vector<Entry> any{};
    return match_with(i, [&](const std::string &key) -> const std::vector<Entry> * {
      if (key.empty()) return nullptr;
      return index_.tables_of_key.count(key) > 0 ? &any : nullptr;
    });
  }

  bool is_other_title(const TableIndex &t, size_t i) const {
    const auto it = index_.tables_of_name.find(lines_[i].key);
    if (it == index_.tables_of_name.end()) return false;
    for (size_t ti : it->second)
      if (index_.tables[ti].table->id != t.table->id) return true;
    return false;
  }

  // The variant (of the tables named by the title or label) whose labels the
  // lines ahead name most: distinct labels counted up to the next other
  // table's title. A tie keeps the first: tied variants print the same.
  size_t choose(const std::vector<size_t> &candidates, size_t start) const {
    size_t best = candidates.front();
    size_t best_count = 0;
    for (size_t c : candidates) {
      const TableIndex &t = index_.tables[c];
      std::vector<std::string> seen;
      for (size_t i = start; i < lines_.size() && i < start + kLookahead; ++i) {
        if (blank(i)) continue;
        if (is_other_title(t, i)) break;
        if (const Match m = match_in(t, i); m.hit()) seen.push_back(m.key);
      }
      std::sort(seen.begin(), seen.end());
      const size_t count = static_cast<size_t>(std::unique(seen.begin(), seen.end()) - seen.begin());
      if (count > best_count) {
        best = c;
        best_count = count;
      }
    }
    return best;
  }

  // Whether line j cannot be a value cell of table t: a label of the table,
  // another table's title, or a numbered section heading.
  bool stops_cells(const TableIndex &t, size_t j) const {
    if (blank(j)) return false;
    if (is_lone_number(lines_[j].text)) return false;
    return match_in(t, j).hit() || is_other_title(t, j) || sdk::numbered_heading_level(lines_[j].text) > 0;
  }

  struct TableState {
    sdk::Table *raw = nullptr;
    std::vector<std::vector<sdk::Cell>> header;  // header cells by level, in source order
    std::map<std::string, size_t> header_seen;   // occurrences of each header key so far
    std::vector<sdk::Cell> groups;               // group labels waiting for their first row
    size_t section = 0;
    bool in_header = true;
    std::optional<size_t> last_header_line;
  };

  void flush_header(TableState &s) {
    for (auto &cells : s.header) {
      if (cells.empty()) continue;
      sdk::Row &row = s.raw->add_row({cells.front().lines.first, cells.back().lines.last});
      row.cells = std::move(cells);
      cells.clear();
    }
    s.header.clear();
    s.header_seen.clear();
  }

  sdk::Cell label_cell(const Match &m, size_t i, bool header) const {
    sdk::Cell c;
    c.text = m.text;
    c.lines = {line_no(i), line_no(i + m.count - 1)};
    c.header = header;
    return c;
  }

  // The n lines after `after` are the row's value cells. Returns the index
  // after them, or the index of the line that interrupted them (the row is
  // then reported, not placed).
  size_t read_row(const TableIndex &t, TableState &s, std::vector<sdk::Cell> labels, size_t after, size_t n,
                  const std::string &what) {
    const int first = labels.empty() ? line_no(after + 1) : labels.front().lines.first;
    std::vector<sdk::Cell> cells;
    for (size_t j = after + 1; j <= after + n; ++j) {
      if (j >= lines_.size() || stops_cells(t, j)) {
        const size_t at = std::min(j, lines_.size());
        doc_.diagnose(
            sdk::Severity::error, line_no(j), "unplaced-cells",
            "row " + what + " of " + t.table->name + ": " + std::to_string(cells.size()) + " of " + std::to_string(n) +
                " value cells before " +
                (j >= lines_.size() ? std::string("the end of the text") : "line " + std::to_string(line_no(j))) +
                "; which columns they belong to is unknown, so none is placed");
        sdk::Row &row = s.raw->add_row({first, line_no(at - 1)});
        row.cells = std::move(labels);
        return at;
      }
      sdk::Cell c;
      c.text = lines_[j].text;
      c.lines = {line_no(j), line_no(j)};
      cells.push_back(std::move(c));
    }
    sdk::Row &row = s.raw->add_row({first, line_no(after + n)});
    row.cells = std::move(labels);
    for (auto &c : cells) row.cells.push_back(std::move(c));
    s.raw->lines.last = row.lines.last;
    return after + n + 1;
  }

  static const Entry &pick(const std::vector<Entry> &entries, bool in_header) {
    // In a header its labels come first ("总计" is a column there); among the
    // rows a row label does ("（七）总计").
    static constexpr Kind header_order[] = {Kind::header, Kind::section, Kind::group, Kind::row, Kind::name};
    static constexpr Kind data_order[] = {Kind::row, Kind::group, Kind::section, Kind::header, Kind::name};
    for (Kind k : in_header ? std::span<const Kind>(header_order) : std::span<const Kind>(data_order))
      for (const Entry &e : entries)
        if (e.kind == k) return e;
    return entries.front();
  }

  size_t read_table(const TableIndex &t, size_t i) {
    TableState s;
    s.raw = &doc_.add_table({line_no(i), line_no(i)});
    const auto columns = [&]() { return t.table->sections[s.section].columns.size(); };
    while (i < lines_.size()) {
      if (blank(i)) {  // a merged cell's continuation, or space between rows
        ++i;
        continue;
      }
      if (is_other_title(t, i)) break;
      const Match m = match_in(t, i);
      if (m.hit()) {
        const Entry &e = pick(*m.entries, s.in_header);
        switch (e.kind) {
          case Kind::name:
            i += m.count;
            continue;
          case Kind::header: {
            // A label that several columns share (结果维持) is at the
            // level of its next unseen occurrence.
            const size_t seen = s.header_seen[m.key]++;
            std::vector<int> depths;
            for (const Entry &x : *m.entries)
              if (x.kind == Kind::header) depths.push_back(x.depth);
            std::sort(depths.begin(), depths.end());
            const int depth = depths[std::min(seen, depths.size() - 1)];
            if (s.header.size() <= static_cast<size_t>(depth)) s.header.resize(static_cast<size_t>(depth) + 1);
            s.header[static_cast<size_t>(depth)].push_back(label_cell(m, i, true));
            s.in_header = true;
            s.last_header_line = i + m.count - 1;
            i += m.count;
            continue;
          }
          case Kind::section: {
            flush_header(s);
            s.section = e.section;
            sdk::Row &row = s.raw->add_row({line_no(i), line_no(i + m.count - 1)});
            row.cells.push_back(label_cell(m, i, false));
            s.in_header = true;
            s.last_header_line.reset();
            i += m.count;
            continue;
          }
          case Kind::group:
            flush_header(s);
            s.in_header = false;
            s.groups.push_back(label_cell(m, i, false));
            i += m.count;
            continue;
          case Kind::row: {
            flush_header(s);
            s.in_header = false;
            s.section = e.section;
            std::vector<sdk::Cell> labels = std::move(s.groups);
            s.groups.clear();
            labels.push_back(label_cell(m, i, false));
            i = read_row(t, s, std::move(labels), i + m.count - 1, columns(), "'" + m.text + "'");
            continue;
          }
        }
      }
      // Not a label of the table.
      if (s.in_header && s.last_header_line && t.unlabelled[s.section]) {
        // The unlabelled row's cells follow the header's last label, blank
        // ones included.
        flush_header(s);
        s.in_header = false;
        i = read_row(t, s, {}, *s.last_header_line, columns(), "(unlabelled)");
        s.last_header_line.reset();
        continue;
      }
      if (!s.in_header && unknown_row(t, i, columns())) {
        // A row whose label is in no template (a typo, another wording): its
        // cells are read all the same; the template stage reports the row.
        std::vector<sdk::Cell> labels = std::move(s.groups);
        s.groups.clear();
        sdk::Cell c;
        c.text = lines_[i].text;
        c.lines = {line_no(i), line_no(i)};
        labels.push_back(std::move(c));
        i = read_row(t, s, std::move(labels), i, columns(), "'" + lines_[i].text + "'");
        continue;
      }
      break;  // narrative: the table ended
    }
    flush_header(s);
    if (!s.groups.empty()) {
      sdk::Row &row = s.raw->add_row({s.groups.front().lines.first, s.groups.back().lines.last});
      row.cells = std::move(s.groups);
    }
    if (!s.raw->rows.empty()) {
      s.raw->lines.first = s.raw->rows.front().lines.first;
      s.raw->lines.last = std::max(s.raw->lines.last, s.raw->rows.back().lines.last);
      doc_.blocks().back().lines = s.raw->lines;
    }
    return i;
  }

  // Line i, not a label, is a row label when n cells follow it and then
  // (after blank lines) a label of the table.
  bool unknown_row(const TableIndex &t, size_t i, size_t n) const {
    if (sdk::numbered_heading_level(lines_[i].text) == 1 || lines_[i].text.size() > 120) return false;
    size_t j = i + 1;
    for (; j <= i + n; ++j)
      if (j >= lines_.size() || stops_cells(t, j)) return false;
    while (j < lines_.size() && blank(j)) ++j;
    if (j >= lines_.size()) return false;
    const Match m = match_in(t, j);
    if (!m.hit()) return false;
    const Entry &e = pick(*m.entries, false);
    return e.kind == Kind::row || e.kind == Kind::group;
  }

  const Index &index_;  // built once per hints (sdk::derived_from)
  sdk::RawDocument &doc_;
  std::vector<Line> lines_;
  mutable std::vector<std::optional<std::vector<std::string>>> join_keys_;  // join_keys(i), once made
};

}  // namespace

double probe(std::string_view text) {
  // A prefix is enough: the tables start within the first pages.
  if (text.size() > 65536) {
    const size_t cut = text.rfind('\n', 65536);
    text = text.substr(0, cut == std::string_view::npos ? 65536 : cut);
  }
  const std::vector<std::string_view> lines = sdk::split_lines(text);
  // A line of content: not blank, not a bar line (a separator between cells).
  // The bar test only runs where a '|' is.
  const auto content = [](std::string_view l, bool piped) { return !sdk::is_blank(l) && !(piped && is_bar_line(l)); };
  // First the counts that tell other forms, by byte searches: most texts are
  // ruled out by them before any line is decoded.
  size_t nonblank = 0, tabs = 0, aligned = 0, pipes = 0;
  for (std::string_view l : lines) {
    if (l.find('\t') != std::string_view::npos) ++tabs;
    const bool piped = l.find('|') != std::string_view::npos;
    if (!content(l, piped)) continue;
    ++nonblank;
    // (no run of two spaces in the line, none in its trimmed text)
    if ((l.find("  ") != std::string_view::npos || l.find("\u3000\u3000") != std::string_view::npos) &&
        has_inner_space_run(l))
      ++aligned;
    if (piped) ++pipes;
  }
  if (nonblank < 30) return 0.0;
  // TAB-led cells are Tika's, TABs between cells a spreadsheet's, aligned
  // columns and pipes other readers' forms.
  const double n = static_cast<double>(nonblank);
  if (tabs / n > 0.02 || aligned / n > 0.02 || pipes / n > 0.02) return 0.0;
  size_t numbers = 0, short_lines = 0;
  for (std::string_view l : lines) {
    if (!content(l, l.find('|') != std::string_view::npos)) continue;
    if (is_lone_number(l)) ++numbers;
    if (fits_width(sdk::trim_view(l), 40)) ++short_lines;
  }
  if (numbers < 20 || numbers / n < 0.2 || short_lines / n < 0.6) return 0.0;
  return 0.6;
}

void read(std::string_view text, const sdk::ShapeHints &hints, sdk::RawDocument &doc) {
  if (hints.tables.empty())
    throw sdk::Error(DOCPIPE_ERR_INPUT,
                     "a cell per line needs the templates' shape hints to find rows, and the host passed none "
                     "(a docpipe host of ABI 1.2 or later passes them)");
  Reader(text, hints, doc).run();
}

}  // namespace docpipe::cell_per_line
