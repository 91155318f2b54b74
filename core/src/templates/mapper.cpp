#include "templates/mapper.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <docpipe/sdk/model.hpp>
#include <docpipe/sdk/text.hpp>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <span>

#include "templates/labels.hpp"

namespace docpipe::templates {
namespace {

// A raw cell with what the template stage needs of it, computed once for
// all templates: its parsed value, and the label key of a text cell.
struct SourceCell {
  std::string_view text;  // into the raw body, which outlives the template stage
  int first = 0, last = 0;
  CellValue value;
  bool value_like = true;  // blank, number or placeholder: not a label
  std::string key;         // label_key(text) when it is a label
  bool spanned = false;    // a column covered by the colspan of the cell before

  SourceCell(std::string_view t, int f, int l) : text(t), first(f), last(l), value(parse_cell(text)) {
    value_like = value.state != CellState::text;
    if (!value_like) key = label_key(text);
  }
};

struct SourceRow {
  std::vector<SourceCell> cells;
  int first = 0, last = 0;
  // The last row of its raw table, and whether the table then ends cleanly
  // (see table_ends_cleanly).
  bool table_end = false;
  bool clean_end = false;
};

// Whether a paragraph reads like a row of values that its reader could not
// put in a table ("0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"): two or more value tokens
// and at least as many as other tokens.
bool looks_like_a_row(std::string_view text) {
  size_t values = 0, words = 0;
  std::u32string token;
  auto count = [&] {
    if (token.empty()) return;
    ++words;
    const CellState s = parse_cell(sdk::to_utf8(token)).state;
    values += s == CellState::number || s == CellState::placeholder;
    token.clear();
  };
  for (char32_t c : sdk::to_u32(text)) {
    if (sdk::is_space(c))
      count();
    else
      token.push_back(c);
  }
  count();
  return values >= 2 && values * 2 >= words;
}

// A raw table ends cleanly when what follows it is the end of the body, a
// heading, another table, or a paragraph that is not a row of values; and
// its reader declared no doubt (an error, doubt="true") about a line from
// its first line to the next block's first (a reader may name the line where
// it noticed that a row ended short). Then a data row without a
// label whose cells are all blank, which leaves nothing in text, may have
// been there; a row that a reader lost leaves such a trace.
bool table_ends_cleanly(const sdk::RawDocument &body, size_t index) {
  const std::vector<sdk::Block> &blocks = body.blocks();
  const sdk::Block &table = blocks[index];
  const sdk::Block *next = index + 1 < blocks.size() ? &blocks[index + 1] : nullptr;
  if (next != nullptr && next->kind == sdk::Block::Kind::paragraph && looks_like_a_row(next->text)) return false;
  const int from = table.table.lines.first > 0 ? table.table.lines.first : table.lines.first;
  const int to = next != nullptr ? next->lines.first : std::numeric_limits<int>::max();
  for (const sdk::Diagnostic &d : body.diagnostics()) {
    const bool doubt = d.severity == sdk::Severity::error || d.doubt;
    if (doubt && d.line >= from && d.line <= to) return false;
  }
  return true;
}

// All rows of all raw tables in document order. The template stage works on
// this stream, not on raw table boundaries: one official table may be split
// over pages (several raw tables), and one raw table may hold several.
std::vector<SourceRow> collect_rows(const sdk::RawDocument &body) {
  std::vector<SourceRow> rows;
  const std::vector<sdk::Block> &blocks = body.blocks();
  for (size_t bi = 0; bi < blocks.size(); ++bi) {
    const sdk::Block &b = blocks[bi];
    if (b.kind != sdk::Block::Kind::table) continue;
    const size_t before = rows.size();
    for (const sdk::Row &row : b.table.rows) {
      SourceRow r{{}, row.lines.first, row.lines.last};
      size_t width = 0;  // reserved up front: a SourceCell is four strings to move
      for (const sdk::Cell &cell : row.cells) width += static_cast<size_t>(std::max(1, cell.colspan));
      r.cells.reserve(width);
      for (const sdk::Cell &cell : row.cells) {
        r.cells.emplace_back(cell.text, cell.lines.first, cell.lines.last);
        const int span = std::max(1, cell.colspan);
        // A merged cell occupies its columns: the extra ones are empty.
        for (int k = 1; k < span; ++k)
          r.cells.emplace_back(std::string_view(), cell.lines.first, cell.lines.last).spanned = true;
      }
      rows.push_back(std::move(r));
    }
    if (rows.size() > before) {
      rows.back().table_end = true;
      rows.back().clean_end = table_ends_cleanly(body, bi);
    }
  }
  return rows;
}

bool has_han(std::string_view s) {
  for (char32_t c : sdk::to_u32(s))
    if (sdk::is_han(c)) return true;
  return false;
}

std::string shorten(const std::string &s) {
  std::u32string u = sdk::to_u32(s);
  for (auto &c : u)
    if (c == U'\n' || c == U'\t') c = U' ';
  if (u.size() > 60) u = u.substr(0, 60) + U"…";
  return sdk::to_utf8(u);
}

// A row with fewer value cells than its table has columns, which the
// template's alignment placed (a reader lost where its blank cells were).
struct ShortRow {
  size_t table, section, row;
  struct Value {
    CellValue value;
    int first, last;
  };
  std::vector<Value> values;  // the row's value cells in source order
};

// Where a template cell's value comes from, as the matcher places it. A
// Record is made of it only for the mapping chosen (Matcher::take): most
// matcher runs lose, and a Record is six strings.
struct Placed {
  const CellValue *value = nullptr;  // into the source rows, which outlive the matcher; null: blank
  int first_line = 0, last_line = 0;
  Placement placement = Placement::absent;
  bool set = false;
};

class Matcher {
 public:
  // `layouts`: which layout of each table (0 the template's own, k > 0 its
  // variant k) this matcher maps onto.
  Matcher(const Template &t, const std::vector<size_t> &layouts) : t_(t) {
    m_.tmpl = &t;
    m_.table_seen.assign(t.tables.size(), false);
    for (size_t ti = 0; ti < t.tables.size(); ++ti) tables_.push_back(&t.layout(ti, layouts[ti]));
    m_.tables = tables_;
    if (std::any_of(layouts.begin(), layouts.end(), [](size_t k) { return k > 0; })) {
      // A variant changes the header keys of its table: looked up here, not in the template's own map.
      for (size_t ti = 0; ti < tables_.size(); ++ti)
        for (const auto &k : tables_[ti]->all_header_keys) {
          auto &in = own_header_key_tables_[k];
          if (in.empty() || in.back() != ti) in.push_back(ti);
        }
      header_key_tables_ = &own_header_key_tables_;
    }
    // Flat numbering of the template's rows and cells, section by section.
    size_t rows = 0, cells = 0;
    for (const Table *tab : tables_)
      for (const Section &sec : tab->sections) {
        row_base_.push_back(rows);
        cell_base_.push_back(cells);
        rows += sec.rows.size();
        cells += sec.rows.size() * sec.columns.size();
      }
    first_line_of_row_.assign(rows, kNotFilled);
    placed_.resize(cells);
  }

  void run(const std::vector<SourceRow> &rows) {
    for (const SourceRow &row : rows) {
      classify(row);
      if (row.table_end) raw_table_ends(row);
    }
    finish();
  }

  const Template &tmpl() const { return t_; }

  // An upper bound on the evidence run() finds, from the source rows alone
  // (map_body skips a run that cannot reach the best evidence so far). The
  // evidence is the number of distinct labels matched less the foreign ones
  // seen (finish), and a label is matched only as
  //   h: a key of a row that has a header key of this matcher: header() is
  //      called for no other row (classify), and takes the row's keys, which
  //      are all its cells' non-empty keys (a value cell has none);
  //   s: the key of a section of the tables mapped onto that equals a key of
  //      some row (section());
  //   r: the path of a row of those tables (place()): at most one each.
  // So the evidence is at most: the distinct keys of the rows with a header
  // key, plus the sections whose key some row shows, plus the template rows.
  int evidence_bound(const std::vector<SourceRow> &rows) const {
    size_t bound = 0;
    std::vector<std::string_view> section_keys;  // not yet seen in a row
    for (const Table *tab : tables_)
      for (const Section &sec : tab->sections) {
        bound += sec.rows.size();
        if (!sec.key.empty()) section_keys.push_back(sec.key);
      }
    std::vector<std::string_view> heads;  // the keys of the rows with a header key
    for (const SourceRow &row : rows) {
      const size_t from = heads.size();
      bool header = false;
      for (const SourceCell &c : row.cells) {
        if (c.key.empty()) continue;
        heads.push_back(c.key);
        header = header || is_header_key(c.key);
        for (size_t i = 0; i < section_keys.size(); ++i)
          if (section_keys[i] == c.key) {
            ++bound;
            section_keys.erase(section_keys.begin() + static_cast<long>(i));
            break;
          }
      }
      if (!header) heads.resize(from);
    }
    std::sort(heads.begin(), heads.end());
    bound += static_cast<size_t>(std::unique(heads.begin(), heads.end()) - heads.begin());
    return static_cast<int>(bound);
  }

  int evidence() const { return m_.evidence; }

  // The mapping, once run; `short_rows`: the rows placed by alignment, for
  // the tie-break. Leaves the matcher empty.
  Mapping take(std::vector<ShortRow> &short_rows) {
    size_t count = 0;
    for (size_t ti = 0; ti < tables_.size(); ++ti)
      if (m_.table_seen[ti])
        for (const Section &sec : tbl(ti).sections) count += sec.rows.size() * sec.columns.size();
    m_.records.reserve(m_.records.size() + count);
    for (size_t ti = 0; ti < tables_.size(); ++ti) {
      if (!m_.table_seen[ti]) continue;
      const Table &tab = tbl(ti);
      for (size_t si = 0; si < tab.sections.size(); ++si)
        for (size_t ri = 0; ri < tab.sections[si].rows.size(); ++ri)
          for (size_t ci = 0; ci < tab.sections[si].columns.size(); ++ci) {
            const Placed &p = placed_[cell_base_[flat_section(ti, si)] + ri * tab.sections[si].columns.size() + ci];
            Record &r = m_.records.emplace_back();
            r.cell = {ti, si, ri, ci};
            if (!p.set) {
              r.placement = Placement::absent;
              continue;
            }
            if (p.value != nullptr) r.value = *p.value;
            r.placement = p.placement;
            r.first_line = p.first_line;
            r.last_line = p.last_line;
          }
    }
    short_rows = std::move(short_rows_);
    return std::move(m_);
  }

 private:
  void classify(const SourceRow &row) {
    // Label cells: everything up to the last cell that is not a value.
    size_t label_end = 0;
    for (size_t i = 0; i < row.cells.size(); ++i)
      if (!row.cells[i].value_like) label_end = i + 1;
    std::vector<std::string_view> keys;
    for (size_t i = 0; i < label_end; ++i)
      if (!row.cells[i].key.empty()) keys.push_back(row.cells[i].key);
    const std::span<const SourceCell> values(row.cells.begin() + static_cast<long>(label_end), row.cells.end());
    bool any_value = false;
    for (const auto &v : values) any_value |= v.value.state != CellState::blank;

    if (!keys.empty() && all_header(keys) && (keys.size() >= 2 || values.empty())) return header(keys, row);
    if (!keys.empty() && section(keys)) return;
    if (!keys.empty()) {
      if (auto hit = match_row(keys, row)) return place(*hit, values, row);
      if (any_header(keys)) return header(keys, row);
      if (foreign_header(keys, row)) return;
    }
    if (keys.empty() && !values.empty() && any_value) {
      if (auto hit = unlabelled_row(values.size())) return place(*hit, values, row);
    }
    if (row.cells.empty()) {
      // A row its reader saw but could not fill: a trace of a lost row.
      after_header_ = false;
      return;
    }
    if (keys.empty() && !any_value) {
      // An all-blank row is the unlabelled data row when it has that row's
      // width in the current table (a blank 行政复议 table); else it is spacing.
      if (auto hit = unlabelled_row(values.size());
          hit && static_cast<int>(hit->table) == current_table_ &&
          tbl(hit->table).sections[hit->section].columns.size() == values.size())
        place(*hit, values, row);
      return;
    }
    // A text cell among a row's values ("规章 | =2+2 | 0 | 5", "… | 1 | 核对中 |
    // 3"): the row's label is what precedes its first value, without
    // trailing cells that hold no Han character (a formula, "#REF!"). The
    // text cell is a value cell with its own state (text), flagged; its
    // neighbours land as usual.
    size_t first_value = row.cells.size();
    for (size_t i = 0; i < row.cells.size() && first_value == row.cells.size(); ++i)
      if (row.cells[i].value.state == CellState::number || row.cells[i].value.state == CellState::placeholder)
        first_value = i;
    size_t own_end = 0;
    for (size_t i = 0; i < first_value; ++i)
      if (!row.cells[i].value_like && has_han(row.cells[i].text)) own_end = i + 1;
    if (own_end > 0 && own_end < label_end) {
      std::vector<std::string_view> own;
      for (size_t i = 0; i < own_end; ++i)
        if (!row.cells[i].key.empty()) own.push_back(row.cells[i].key);
      if (!own.empty())
        if (auto hit = match_row(own, row))
          return place(
              *hit, std::span<const SourceCell>(row.cells.begin() + static_cast<long>(own_end), row.cells.end()), row);
    }
    // Nothing in the template: keep it in the report, never drop it silently.
    std::string text;
    for (const auto &c : row.cells)
      if (!sdk::is_blank(c.text)) text += (text.empty() ? "" : " | ") + sdk::trim(c.text);
    bool digits = false;
    for (char ch : text) digits |= (ch >= '0' && ch <= '9');
    if (!any_value && !digits) return;  // a text line inside a table (a note, a caption)
    after_header_ = false;
    m_.unmapped.push_back({row.first, row.last, text,
                           keys.empty() ? "values in no template row" : "row label not in template " + t_.id,
                           any_value});
  }

  const std::vector<size_t> *header_tables(std::string_view k) const {
    const auto it = header_key_tables_->find(k);
    return it == header_key_tables_->end() ? nullptr : &it->second;
  }
  bool is_header_key(std::string_view k) const { return header_tables(k) != nullptr; }
  bool all_header(const std::vector<std::string_view> &keys) const {
    for (const auto &k : keys)
      if (!is_header_key(k)) return false;
    return true;
  }
  bool any_header(const std::vector<std::string_view> &keys) const {
    for (const auto &k : keys)
      if (is_header_key(k)) return true;
    return false;
  }

  void header(const std::vector<std::string_view> &keys, const SourceRow &row) {
    std::vector<int> votes(tables_.size(), 0);
    for (const auto &k : keys)
      if (const auto *tables = header_tables(k))
        for (size_t ti : *tables) votes[ti]++;
    // The most votes; on a tie the table the rows are in stays (a header
    // row of shared labels, 总计, or cut by a page break: 结果维 / 持).
    int best = 0, chosen = -1;
    for (size_t ti = 0; ti < votes.size(); ++ti)
      if (votes[ti] > best) best = votes[ti], chosen = static_cast<int>(ti);
    if (current_table_ >= 0 && best > 0 && votes[static_cast<size_t>(current_table_)] == best) chosen = current_table_;
    if (chosen >= 0) current_table_ = chosen;
    for (const auto &k : keys) matched_labels_.emplace_back('h', k);
    if (current_table_ >= 0) {
      after_header_ = true;
      m_.table_seen[static_cast<size_t>(current_table_)] = true;
      if (contradicts(static_cast<size_t>(current_table_), keys, row)) return;
      // A header naming this layout's own columns (the next section's) ends a contradiction.
      if (contradicted_.count(static_cast<size_t>(current_table_)) &&
          names_a_column(tbl(static_cast<size_t>(current_table_)), keys))
        contradicted_.erase(static_cast<size_t>(current_table_));
      note_column_order(static_cast<size_t>(current_table_), keys, row);
    }
  }

  // A header label that another layout of table ti has and the one mapped
  // onto has not (上一年项目数量 over a 2021 主动公开 table): the values under
  // it would be filed under another layout's columns. Reported as a doubt;
  // the table's rows after it are kept out of its cells (unmapped).
  bool contradicts(size_t ti, const std::vector<std::string_view> &keys, const SourceRow &row) {
    const auto &foreign = tbl(ti).foreign_header_keys;
    std::string named;
    for (const auto &k : keys)
      if (std::binary_search(foreign.begin(), foreign.end(), k)) {
        named += (named.empty() ? "" : ", ") + std::string(k);
        foreign_seen_.insert(k);
      }
    if (named.empty()) return false;
    contradicted_.insert(ti);
    m_.findings.push_back({"warning", "header-variant",
                           "the header of " + tbl(ti).name + " names " + named + ", not a column of its layout " +
                               tbl(ti).variant + " in " + t_.id + "; its values are not filed under these columns",
                           row.first, true});
    return true;
  }

  static bool names_a_column(const Table &tab, const std::vector<std::string_view> &keys) {
    for (const auto &sec : tab.sections)
      for (const auto &col : sec.columns)
        for (const auto &ck : col.keys)
          if (std::find(keys.begin(), keys.end(), ck) != keys.end()) return true;
    return false;
  }

  // A header row made only of labels of another layout of some table.
  bool foreign_header(const std::vector<std::string_view> &keys, const SourceRow &row) {
    for (size_t ti = 0; ti < tables_.size(); ++ti)
      for (const auto &k : keys)
        if (std::binary_search(tbl(ti).foreign_header_keys.begin(), tbl(ti).foreign_header_keys.end(), k)) {
          current_table_ = static_cast<int>(ti);
          m_.table_seen[ti] = true;
          return contradicts(ti, keys, row);
        }
    return false;
  }

  // A header row that names some leaf columns of a one-section table in
  // another order than the template's (科研机构 and 社会公益组织 swapped): the
  // value cells under them follow the header, so the slots they take are
  // given to the columns in the header's order. Only where every named
  // column's label is unique in the section; otherwise values stay in the
  // template's order, as they do for every table whose header agrees.
  void note_column_order(size_t ti, const std::vector<std::string_view> &keys, const SourceRow &row) {
    const Table &tab = tbl(ti);
    if (tab.sections.size() != 1) return;
    const std::vector<Column> &cols = tab.sections[0].columns;
    std::vector<int> named;  // template column of each leaf label, in header order
    for (const auto &k : keys) {
      int hit = -1, hits = 0;
      for (size_t c = 0; c < cols.size(); ++c)
        for (const auto &ck : cols[c].keys)
          if (ck == k) hit = static_cast<int>(c), ++hits;
      if (hits > 1) return;  // a label shared by several columns: order unknown
      if (hit >= 0) {
        if (std::find(named.begin(), named.end(), hit) != named.end()) return;
        named.push_back(hit);
      }
    }
    if (named.size() < 2 || std::is_sorted(named.begin(), named.end())) return;
    std::vector<int> slots = named;
    std::sort(slots.begin(), slots.end());
    std::vector<int> &order = column_of_slot_[ti];
    order.resize(cols.size());
    std::iota(order.begin(), order.end(), 0);
    for (size_t i = 0; i < slots.size(); ++i) order[static_cast<size_t>(slots[i])] = named[i];
    std::string listed;
    for (int c : named) listed += (listed.empty() ? "" : ", ") + cols[static_cast<size_t>(c)].path;
    m_.findings.push_back({"warning", "column-order",
                           "the header of " + tab.name + " lists its columns in another order than the template (" +
                               listed + "); values are placed by the header",
                           row.first, true});
  }

  bool section(const std::vector<std::string_view> &keys) {
    for (size_t ti = 0; ti < tables_.size(); ++ti)
      for (size_t si = 0; si < tbl(ti).sections.size(); ++si) {
        const Section &s = tbl(ti).sections[si];
        if (s.key.empty()) continue;
        for (const auto &k : keys)
          if (k == s.key) {
            current_table_ = static_cast<int>(ti);
            m_.table_seen[ti] = true;
            after_header_ = false;
            matched_labels_.emplace_back('s', s.key);
            return true;
          }
      }
    return false;
  }

  struct Hit {
    size_t table, section, row;
  };

  // The row's label text (its label cells' keys, concatenated) must end with
  // a template row's label and may be preceded only by its enclosing group
  // labels ("本年度办理结果" + "予以公开"); the longest such label wins.
  std::optional<Hit> match_row(const std::vector<std::string_view> &keys, const SourceRow &row) {
    std::string &all = all_;
    all.clear();
    for (const auto &k : keys) all += k;
    const Search by_groups = longest_leaf(all, true, 1);
    if (by_groups.tie) {
      m_.findings.push_back(
          {"warning", "ambiguous-row", "row label matches several template rows: " + shorten(all), row.first, true});
      return std::nullopt;
    }
    if (by_groups.hit) return by_groups.hit;
    // When the group labels in front do not fit (a page break separated a
    // row from its vertically merged group cell, which the input plugin then
    // gave to the wrong group), a row label long enough to name one template
    // row by itself (four CJK characters) still places the row; the mismatch
    // is reported and puts the document up for review.
    const Search by_own = longest_leaf(all, false, 12);
    if (!by_own.hit) {
      if (auto hit = by_start(all, row)) return hit;
      return by_fuzzy(row);
    }
    if (by_own.tie || all.size() == by_own.length) return std::nullopt;
    const Section &s = tbl(by_own.hit->table).sections[by_own.hit->section];
    // What precedes the label is a piece of the row's own group labels (a
    // group label printed down its rows and cut by their lines: "（四）无" /
    // "法提供"): the row is under its group; nothing to doubt.
    std::string groups;
    for (const auto &k : s.rows[by_own.hit->row].ancestor_keys) groups += k;
    const std::string_view before = std::string_view(all).substr(0, all.size() - by_own.length);
    if (groups.find(before) != std::string::npos) {
      m_.findings.push_back({"info", "group-split",
                             "row " + s.rows[by_own.hit->row].path + " placed by its own label; before it is " +
                                 shorten(std::string(before)) + ", a piece of its group label",
                             row.first, false});
      return by_own.hit;
    }
    m_.findings.push_back({"warning", "group-mismatch",
                           "row " + s.rows[by_own.hit->row].path + " placed by its own label; the group label before " +
                               "it (" + shorten(all.substr(0, all.size() - by_own.length)) + ") is not its group",
                           row.first, true});
    return by_own.hit;
  }

  // A label cut short, its wrapped rest lost to another row or page
  // ("3.补正" over 后申请 / 内容仍 / 不明确 that pdftotext shifted right, or
  // "（二）部分公开（区分处理的，只计这一情形，不计" whose 其他情形） went to the
  // next page): the start of exactly one row's label of the current table,
  // two characters or more, after that row's own group labels. Reported, so
  // the report is reviewed.
  std::optional<Hit> by_start(const std::string &all, const SourceRow &row) {
    constexpr size_t kMinBytes = 6;  // two CJK characters
    // Only inside a table the header has named: a cut label elsewhere is
    // not enough to go on.
    if (current_table_ < 0) return std::nullopt;
    const size_t ti = static_cast<size_t>(current_table_);
    std::optional<Hit> found;
    size_t found_length = 0;
    bool tie = false;
    for (size_t si = 0; si < tbl(ti).sections.size(); ++si) {
      const Section &s = tbl(ti).sections[si];
      for (size_t ri = 0; ri < s.rows.size(); ++ri)
        for (const auto &leaf : s.rows[ri].keys) {
          // The longest start of `leaf` that ends `all`: all[j..] for the
          // smallest j at a character boundary whose byte begins `leaf`.
          if (leaf.size() <= kMinBytes || all.size() < kMinBytes) continue;
          const size_t first = all.size() - std::min(all.size(), leaf.size() - 1);
          for (size_t j = first; j + kMinBytes <= all.size(); ++j) {
            const size_t k = all.size() - j;
            // (the first three bytes first: a CJK character's lead byte alone says little)
            if (all[j] != leaf[0] || all[j + 1] != leaf[1] || all[j + 2] != leaf[2] ||
                all.compare(j, k, leaf, 0, k) != 0)
              continue;
            if (!prefix_of_groups(std::string_view(all).substr(0, j), s.rows[ri].ancestor_keys)) break;
            const Hit hit{ti, si, ri};
            if (k > found_length) {
              found = hit, found_length = k, tie = false;
            } else if (k == found_length && !(found->table == ti && found->section == si && found->row == ri)) {
              tie = true;
            }
            break;
          }
        }
    }
    if (!found || tie) return std::nullopt;
    const Section &s = tbl(found->table).sections[found->section];
    m_.findings.push_back({"warning", "label-start",
                           "row " + s.rows[found->row].path + " placed by the start of its label (" + shorten(all) +
                               "); the rest of the label is not on this row",
                           row.first, true});
    return found;
  }

  // A label as published with a small slip (a dropped or wrong character
  // or two: "2.其他法律行政止公开" for 2.其他法律行政法规禁止公开): within a few
  // edits of exactly one long row label of the current table, after that
  // row's own group labels. Spaces, punctuation width and enumerators are
  // already folded by the label keys. Short labels (under eight characters)
  // and labels near two rows never match. Reported (label-fuzzy) with both
  // spellings; the row is named for certain, so it is information.
  std::optional<Hit> by_fuzzy(const SourceRow &row) {
    constexpr size_t kMinChars = 8;
    if (current_table_ < 0) return std::nullopt;
    const size_t ti = static_cast<size_t>(current_table_);
    std::vector<const SourceCell *> labels;
    for (const auto &c : row.cells)
      if (!c.value_like && !c.key.empty()) labels.push_back(&c);
    std::optional<Hit> found;
    size_t found_at = 0, found_distance = 0;
    bool tie = false;
    // The labels' keys as code points, one after another: the tail from
    // label j on is text[starts[j]..]. (Keys are valid UTF-8, so this is the
    // code points of the tail's bytes.)
    std::u32string &text = fuzzy_text_;
    size_t bytes = 0;
    for (const SourceCell *c : labels) bytes += c->key.size();
    if (text.size() < bytes) text.resize(bytes);
    std::vector<size_t> starts(labels.size() + 1, 0);
    for (size_t i = 0; i < labels.size(); ++i)
      starts[i + 1] = starts[i] + sdk::decode_utf8(labels[i]->key, text.data() + starts[i]);
    std::string prefix;  // the keys before label j
    for (size_t j = 0; j < labels.size(); ++j) {
      if (j > 0) prefix += labels[j - 1]->key;
      const std::u32string_view tail(text.data() + starts[j], starts[labels.size()] - starts[j]);
      if (tail.size() < kMinChars - 2) continue;
      for (size_t si = 0; si < tbl(ti).sections.size(); ++si) {
        const Section &s = tbl(ti).sections[si];
        for (size_t ri = 0; ri < s.rows.size(); ++ri) {
          if (!prefix_of_groups(prefix, s.rows[ri].ancestor_keys)) continue;
          for (const std::u32string &leaf : s.rows[ri].keys32) {
            if (leaf.size() < kMinChars) continue;
            const size_t limit = std::min<size_t>(3, std::max<size_t>(2, leaf.size() / 4));
            const size_t d = edit_distance(tail, leaf, limit);
            if (d > limit) continue;
            const Hit hit{ti, si, ri};
            if (found && !(found->section == si && found->row == ri)) tie = true;
            if (!found || d < found_distance) found = hit, found_at = j, found_distance = d;
          }
        }
      }
    }
    if (!found || tie) return std::nullopt;
    std::string published;
    for (size_t i = found_at; i < labels.size(); ++i)
      published += (published.empty() ? "" : " ") + sdk::trim(labels[i]->text);
    const Row &r = tbl(ti).sections[found->section].rows[found->row];
    const std::string_view leaf_label = std::string_view(r.path).substr(r.path.rfind('/') + 1);
    m_.findings.push_back({"info", "label-fuzzy",
                           "row " + r.path + " placed by its label as published, '" + shorten(published) +
                               "', which differs from the template's '" + std::string(leaf_label) + "' by " +
                               std::to_string(found_distance) + " characters",
                           row.first, false});
    return found;
  }

  // Levenshtein distance of a and b in characters, or limit + 1 once it exceeds limit.
  static size_t edit_distance(std::u32string_view a, std::u32string_view b, size_t limit) {
    if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    std::iota(prev.begin(), prev.end(), size_t{0});
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      size_t row_min = cur[0];
      for (size_t k = 1; k <= b.size(); ++k) {
        cur[k] = std::min({prev[k] + 1, cur[k - 1] + 1, prev[k - 1] + (a[i - 1] == b[k - 1] ? 0 : 1)});
        row_min = std::min(row_min, cur[k]);
      }
      if (row_min > limit) return limit + 1;
      std::swap(prev, cur);
    }
    return prev[b.size()];
  }

  struct Search {
    std::optional<Hit> hit;
    size_t length = 0;  // of the matched row label (bytes)
    bool tie = false;   // another row's label of that length matches too
  };
  // The template row whose label (at least `min_length` bytes) ends `all`
  // and is longest; with `groups`, what precedes it must be its group labels.
  Search longest_leaf(const std::string &all, bool groups, size_t min_length) const {
    Search out;
    if (all.empty()) return out;
    const unsigned char end = static_cast<unsigned char>(all.back());
    for (size_t ti = 0; ti < tables_.size(); ++ti) {
      // Only the keys ending in all's last byte can end it; in table order, as the first longest wins.
      const Table &tab = tbl(ti);
      for (uint32_t e = tab.row_keys_from[end]; e < tab.row_keys_from[end + 1u]; ++e) {
        const Table::KeyRef &ref = tab.row_keys_by_end[e];
        const Row &r = tab.sections[ref.section].rows[ref.row];
        const std::string &leaf = r.keys[ref.key];
        if (leaf.size() < min_length || all.size() < leaf.size() ||
            all.compare(all.size() - leaf.size(), leaf.size(), leaf) != 0)
          continue;
        const std::string_view prefix = std::string_view(all).substr(0, all.size() - leaf.size());
        if (groups && !prefix_of_groups(prefix, r.ancestor_keys)) continue;
        const size_t si = ref.section, ri = ref.row;
        if (leaf.size() > out.length) {
          out = {Hit{ti, si, ri}, leaf.size(), false};
        } else if (leaf.size() == out.length &&
                   !(out.hit->table == ti && out.hit->section == si && out.hit->row == ri)) {
          out.tie = true;
        }
      }
    }
    return out;
  }

  // Whether `prefix` is the concatenation of the last few group labels
  // (ancestors[k] + ... + ancestors.back(), for some k), or empty.
  static bool prefix_of_groups(std::string_view prefix, const std::vector<std::string> &ancestors) {
    for (size_t i = ancestors.size(); !prefix.empty() && i-- > 0;) {
      const std::string &a = ancestors[i];
      if (prefix.size() < a.size() || prefix.compare(prefix.size() - a.size(), a.size(), a) != 0) return false;
      prefix.remove_suffix(a.size());
    }
    return prefix.empty();
  }

  // A row without any label: the template's unlabelled row (the single data
  // row of 行政复议、行政诉讼) in the current table, or the one whose value
  // count it has.
  std::optional<Hit> unlabelled_row(size_t value_count) const {
    std::optional<Hit> by_count;
    for (size_t ti = 0; ti < tables_.size(); ++ti)
      for (size_t si = 0; si < tbl(ti).sections.size(); ++si) {
        const Section &s = tbl(ti).sections[si];
        for (size_t ri = 0; ri < s.rows.size(); ++ri) {
          if (!s.rows[ri].keys.front().empty()) continue;
          if (static_cast<int>(ti) == current_table_) return Hit{ti, si, ri};
          if (s.columns.size() == value_count) by_count = Hit{ti, si, ri};
        }
      }
    return by_count;
  }

  void place(const Hit &hit, std::span<const SourceCell> values, const SourceRow &row) {
    const Table &tab = tbl(hit.table);
    const Section &sec = tab.sections[hit.section];
    current_table_ = static_cast<int>(hit.table);
    m_.table_seen[hit.table] = true;
    after_header_ = false;
    if (contradicted_.count(hit.table)) {
      bool any = false;
      for (const auto &v : values) any |= v.value.state != CellState::blank;
      if (any)
        m_.unmapped.push_back({row.first, row.last, sec.rows[hit.row].path,
                               "under a header of another layout of " + tab.name + " than " + tab.variant, true});
      return;
    }
    matched_labels_.emplace_back('r', sec.rows[hit.row].path);
    const size_t section_index = flat_section(hit.table, hit.section);
    int &filled_at = first_line_of_row_[row_base_[section_index] + hit.row];
    if (filled_at != kNotFilled) {
      bool any = false;
      for (const auto &v : values) any |= v.value.state != CellState::blank;
      if (any)
        m_.unmapped.push_back({row.first, row.last, sec.rows[hit.row].path,
                               "the row appears again (first at line " + std::to_string(filled_at) + ")", true});
      return;
    }
    filled_at = row.first;

    const size_t n = sec.columns.size();
    // The row's value cells, as pointers into the source rows.
    std::vector<const SourceCell *> &cells = cells_;
    cells.clear();
    for (const auto &v : values) cells.push_back(&v);
    // A row on another column grid than the table's (a reader's grid wider
    // than the template: its columns drifted, or the row's cells span other
    // columns than the header's): when exactly n of its cells hold a value,
    // and some lie outside the template's slots, they are the n columns in
    // order. Placed by alignment, so the report is reviewed.
    bool other_grid = false;
    if (cells.size() > n) {
      // Cells that span other columns than the header's (上海 2019: the
      // (八)/(九) rows as two cells of two columns each under a grid of
      // four): when the row holds exactly n cells, its spans place them.
      size_t own = 0, covered = 0;
      for (const SourceCell *v : cells) (v->spanned ? covered : own)++;
      if (covered > 0 && own == n) std::erase_if(cells, [](const SourceCell *v) { return v->spanned; });
    }
    if (cells.size() > n) {
      size_t filled = 0;
      for (const SourceCell *v : cells) filled += v->value.state != CellState::blank;
      bool outside = false;
      for (size_t i = 0; i < cells.size(); ++i)
        if (cells[i]->value.state != CellState::blank) outside |= tab.values_at_end ? i < cells.size() - n : i >= n;
      if (filled == n && outside) {
        std::erase_if(cells, [](const SourceCell *v) { return v->value.state == CellState::blank; });
        other_grid = true;
        m_.findings.push_back({"warning", "other-grid",
                               "row " + sec.rows[hit.row].path + " has its " + std::to_string(n) +
                                   " values on a grid of other columns; placed in the template's order",
                               row.first, true});
      }
    }
    // Which source cells are the n template columns: start- or end-aligned
    // (see the template's values attribute); surplus cells must be blank.
    size_t offset = 0;
    std::vector<size_t> extra;
    if (cells.size() > n) {
      if (tab.values_at_end) {
        offset = cells.size() - n;
        for (size_t i = 0; i < offset; ++i) extra.push_back(i);
      } else {
        for (size_t i = n; i < cells.size(); ++i) extra.push_back(i);
      }
    }
    for (size_t i : extra)
      if (cells[i]->value.state != CellState::blank)
        m_.unmapped.push_back({cells[i]->first, cells[i]->last, sdk::trim(cells[i]->text),
                               "a surplus cell in row " + sec.rows[hit.row].path, true});
    const bool short_row = cells.size() < n;
    bool short_with_data = false;
    const size_t missing = short_row ? n - cells.size() : 0;
    const auto order = column_of_slot_.find(hit.table);  // a header's column order, if it differs
    const std::vector<int> *reordered = order == column_of_slot_.end() ? nullptr : &order->second;
    for (size_t c = 0; c < n; ++c) {
      Placed &r = placed_[cell_base_[section_index] + hit.row * n + c];
      r.set = true;
      // A short row keeps its values on the aligned side: its last column
      // (a 总计) stays the last column in end-aligned tables.
      long slot = static_cast<long>(c);  // where the source holds column c
      if (reordered != nullptr)
        slot = std::find(reordered->begin(), reordered->end(), static_cast<int>(c)) - reordered->begin();
      long src = tab.values_at_end ? slot - static_cast<long>(missing) + static_cast<long>(offset) : slot;
      if (src < 0 || src >= static_cast<long>(cells.size())) {
        r.value = nullptr;
        r.placement = short_row ? Placement::aligned : Placement::absent;
        r.first_line = row.first;
        r.last_line = row.last;
      } else {
        const SourceCell &sc = *cells[static_cast<size_t>(src)];
        r.value = &sc.value;
        r.first_line = sc.first;
        r.last_line = sc.last;
        r.placement = short_row || other_grid ? Placement::aligned : Placement::direct;
        short_with_data |= short_row && sc.value.state != CellState::blank;
        if (sc.value.state == CellState::text)
          m_.findings.push_back({"warning", "text-in-value",
                                 "the cell '" + shorten(sc.value.raw) + "' of row " + sec.rows[hit.row].path +
                                     ", column " + sec.columns[c].path + " is not a number; kept as text",
                                 sc.first, true});
      }
    }
    if (short_with_data && reordered == nullptr) {
      ShortRow pending{hit.table, hit.section, hit.row, {}};
      for (const SourceCell *sc : cells) pending.values.push_back({sc->value, sc->first, sc->last});
      short_rows_.push_back(std::move(pending));
    }
    if (short_with_data)
      m_.findings.push_back({"warning", "short-row",
                             "row " + sec.rows[hit.row].path + " has " + std::to_string(cells.size()) + " of " +
                                 std::to_string(n) + " value cells; placed by the template's alignment",
                             row.first, true});
  }

  // A raw table ends. When its last rows were the header of the current
  // table and it ends cleanly (collect_rows), the source shows that table's
  // header and then its end: noted for finish().
  void raw_table_ends(const SourceRow &row) {
    if (after_header_ && row.clean_end && current_table_ >= 0)
      header_only_end_.try_emplace(static_cast<size_t>(current_table_), row.last);
    after_header_ = false;
  }

  // A table whose source shows its header and then ends, with no row of it
  // anywhere: a data row without a label, whose blank cells leave nothing in
  // text (a blank 行政复议/行政诉讼 row in text or a spreadsheet), is blank,
  // traced to the table's last line (placement header-only, information).
  // Labelled rows always leave their label, so theirs stay absent: a doubt.
  void fill_header_only_tables() {
    for (const auto &[ti, line] : header_only_end_) {
      const Table &tab = tbl(ti);
      bool any_row = false;
      for (size_t si = 0; si < tab.sections.size(); ++si)
        for (size_t ri = 0; ri < tab.sections[si].rows.size(); ++ri)
          any_row |= first_line_of_row_[row_base_[flat_section(ti, si)] + ri] != kNotFilled;
      if (any_row) continue;
      size_t filled = 0;
      for (size_t si = 0; si < tab.sections.size(); ++si) {
        const Section &sec = tab.sections[si];
        for (size_t ri = 0; ri < sec.rows.size(); ++ri) {
          if (!sec.rows[ri].keys.front().empty()) continue;
          for (size_t ci = 0; ci < sec.columns.size(); ++ci) {
            placed_[cell_base_[flat_section(ti, si)] + ri * sec.columns.size() + ci] = {nullptr, line, line,
                                                                                        Placement::header_only, true};
            ++filled;
          }
        }
      }
      if (filled > 0)
        m_.findings.push_back({"info", "header-only",
                               "table " + tab.name + " ends after its header (line " + std::to_string(line) +
                                   ") with no data row: its " + std::to_string(filled) +
                                   " cells of the row without a label are blank",
                               line, false});
    }
  }

  void finish() {
    fill_header_only_tables();
    // Header labels of another layout count against this one.
    std::sort(matched_labels_.begin(), matched_labels_.end());
    const auto distinct = std::unique(matched_labels_.begin(), matched_labels_.end()) - matched_labels_.begin();
    m_.evidence = static_cast<int>(distinct) - static_cast<int>(foreign_seen_.size());
  }

  size_t flat_section(size_t table, size_t section) const {
    size_t k = 0;
    for (size_t ti = 0; ti < table; ++ti) k += tbl(ti).sections.size();
    return k + section;
  }

  const Table &tbl(size_t ti) const { return *tables_[ti]; }

  static constexpr int kNotFilled = -1;
  const Template &t_;
  std::vector<const Table *> tables_;  // the layout of each table this matcher maps onto
  using KeyTables = std::unordered_map<std::string, std::vector<size_t>, KeyHash, std::equal_to<>>;
  KeyTables own_header_key_tables_;  // when a variant is chosen
  const KeyTables *header_key_tables_ = &t_.header_key_tables;
  Mapping m_;
  // Labels matched, by kind (h header, s section, r row), with repeats (a
  // vector sorted once is cheaper than a set kept sorted); the count of
  // distinct ones is the template's evidence. The views point into the
  // template or into the source rows, both of which outlive the matcher.
  // Whatever is added here must stay within evidence_bound().
  std::vector<std::pair<char, std::string_view>> matched_labels_;
  std::vector<size_t> row_base_, cell_base_;  // per flat section: first flat row / cell
  std::vector<int> first_line_of_row_;        // source line that filled a template row, or kNotFilled
  std::vector<Placed> placed_;                // per template cell
  // Scratch kept for its capacity: place()'s value cells, match_row()'s
  // label text, by_fuzzy()'s code points.
  std::vector<const SourceCell *> cells_;
  std::string all_;
  std::u32string fuzzy_text_;
  int current_table_ = -1;
  bool after_header_ = false;                          // the last row that counted was a header of current_table_
  std::map<size_t, int> header_only_end_;              // table -> last line of a raw table that ended after its header
  std::set<size_t> contradicted_;                      // tables whose header named another layout's columns
  std::set<std::string_view> foreign_seen_;            // those labels (into the template's key lists)
  std::vector<ShortRow> short_rows_;                   // rows placed by alignment, for the tie-break
  std::map<size_t, std::vector<int>> column_of_slot_;  // table -> template column per source slot, when reordered
};

// The identity tie-break (placement tie-break): every placement of a short
// row's values in its columns that keeps their order is tried, and the
// table's identities on the row's cells are evaluated with each (an
// identity that also takes a cell of another row placed by alignment is
// left out, unless that row holds only zeros and blanks: it cannot tell).
// When exactly one placement makes them all
// hold, the row takes it; the finding names the row and the placements
// tried, and it is a doubt: those identities are no longer independent
// checks, a report's own figures may break one (so another placement can
// hold by chance), and a 0 moved into a blank cell sums the same. When none
// or several hold, the alignment stays (short-row is the doubt).
void tie_break(Mapping &m, const ShortRow &sr) {
  constexpr size_t kMaxPlacements = 1000;
  const Section &sec = m.tables[sr.table]->sections[sr.section];
  const size_t n = sec.columns.size(), k = sr.values.size();
  if (k == 0 || k >= n) return;
  // Too many placements to try (C(n, k)): the alignment stays.
  size_t placements = 1;
  for (size_t i = 0; i < k && placements <= kMaxPlacements; ++i) placements = placements * (n - i) / (i + 1);
  if (placements > kMaxPlacements) return;
  // Zeros (and blanks) sum the same in any columns: a row of them cannot
  // be placed by identities, and does not stand in the way of another.
  auto nonzero = [](const CellValue &v) { return v.state == CellState::number && v.numeric != 0; };
  if (std::none_of(sr.values.begin(), sr.values.end(), [&](const ShortRow::Value &v) { return nonzero(v.value); }))
    return;
  // The row's records, by column; the records of other rows placed by
  // alignment that hold a number other than 0.
  std::vector<Record *> cells(n, nullptr);
  std::set<const Record *> mine, other_aligned;
  std::map<std::array<size_t, 3>, std::vector<const Record *>> aligned_rows;
  std::set<std::array<size_t, 3>> with_numbers;
  for (Record &r : m.records) {
    const bool here = r.cell.table == sr.table && r.cell.section == sr.section && r.cell.row == sr.row;
    if (here) {
      cells[r.cell.column] = &r;
      mine.insert(&r);
    } else if (r.placement == Placement::aligned) {
      const std::array<size_t, 3> at{r.cell.table, r.cell.section, r.cell.row};
      aligned_rows[at].push_back(&r);
      if (nonzero(r.value)) with_numbers.insert(at);
    }
  }
  for (const auto &at : with_numbers) other_aligned.insert(aligned_rows[at].begin(), aligned_rows[at].end());
  if (std::find(cells.begin(), cells.end(), nullptr) != cells.end()) return;
  const std::vector<Record> saved = [&] {
    std::vector<Record> v;
    for (Record *r : cells) v.push_back(*r);
    return v;
  }();
  auto apply = [&](const std::vector<size_t> &columns, Placement how) {
    for (size_t c = 0; c < n; ++c) {
      Record &r = *cells[c];
      r.value = CellValue{};
      r.first_line = saved[c].first_line;
      r.last_line = saved[c].last_line;
      r.placement = how;
    }
    for (size_t i = 0; i < k; ++i) {
      Record &r = *cells[columns[i]];
      r.value = sr.values[i].value;
      r.first_line = sr.values[i].first;
      r.last_line = sr.values[i].last;
    }
  };
  // Placements: increasing column choices, in lexicographic order.
  std::vector<size_t> columns(k);
  std::iota(columns.begin(), columns.end(), size_t{0});
  size_t tried = 0, holding = 0, decisive = 0;
  std::vector<size_t> found;
  for (;;) {
    ++tried;
    apply(columns, Placement::aligned);
    bool holds = true;
    size_t used = 0;
    for (const Check &ch : run_checks(m)) {
      bool on_row = false, blocked = false;
      for (const CheckTerm &t : ch.terms) {
        on_row |= mine.count(t.record) > 0;
        blocked |= other_aligned.count(t.record) > 0;
      }
      if (!on_row || blocked) continue;
      ++used;
      holds &= ch.result != CheckResult::fail;
    }
    decisive = std::max(decisive, used);
    if (holds && used > 0) {
      ++holding;
      found = columns;
    }
    // next combination
    size_t i = k;
    while (i > 0 && columns[i - 1] == n - k + i - 1) --i;
    if (i == 0) break;
    ++columns[i - 1];
    for (size_t j = i; j < k; ++j) columns[j] = columns[j - 1] + 1;
  }
  const std::string &path = sec.rows[sr.row].path;
  if (holding == 1) {
    apply(found, Placement::tie_break);
    std::string named;
    for (size_t c : found) named += (named.empty() ? "" : ", ") + sec.columns[c].path;
    m.findings.push_back({"warning", "tie-break",
                          "row " + path + ": of the " + std::to_string(tried) + " placements of its " +
                              std::to_string(k) +
                              " values in order tried, only one makes the table's identities "
                              "on the row hold: " +
                              named + "; placed so",
                          saved.front().first_line, true});
    return;
  }
  for (size_t c = 0; c < n; ++c) *cells[c] = saved[c];
  m.findings.push_back({"info", "no-tie-break",
                        "row " + path + ": " + std::to_string(holding) + " of the " + std::to_string(tried) +
                            " placements of its values in order tried make the table's identities on the row hold" +
                            (decisive == 0 ? " (no identity can tell)" : "") + "; left as aligned",
                        saved.front().first_line, false});
}

}  // namespace

const char *placement_name(Placement p) {
  // The model's names: the two enums agree, as model/model.cpp asserts.
  return sdk::model::placement_name(static_cast<sdk::model::Placement>(p));
}

namespace {
bool in_force(const Template &t, int year) {
  return year > 0 && (t.first_year == 0 || year >= t.first_year) && (t.last_year == 0 || year <= t.last_year);
}
}  // namespace

Mapping map_body(const sdk::RawDocument &body, const std::vector<Template> &templates, int year) {
  const std::vector<SourceRow> rows = collect_rows(body);
  std::unique_ptr<Matcher> winner;
  for (const Template &t : templates) {
    // Every combination of the tables' layouts, the template's own first.
    std::vector<size_t> layouts(t.tables.size(), 0);
    for (;;) {
      auto m = std::make_unique<Matcher>(t, layouts);
      // More matched labels wins. On a tie the earlier layout (the format's
      // own) stays, and between templates the one in force in the report's
      // year; else the earlier file: the newer format, whose distinctive
      // labels are then absent from both, is not preferred. A run whose
      // evidence is bound below the best so far can neither win nor tie:
      // it is not made, and the order of the others (so the tie rules) stays.
      if (winner == nullptr || m->evidence_bound(rows) >= winner->evidence()) {
        m->run(rows);
        if (winner == nullptr || m->evidence() > winner->evidence() ||
            (m->evidence() == winner->evidence() && &winner->tmpl() != &t && in_force(t, year) &&
             !in_force(winner->tmpl(), year)))
          winner = std::move(m);
      }
      size_t i = 0;
      for (; i < layouts.size(); ++i) {
        if (++layouts[i] <= t.variants[i].size()) break;
        layouts[i] = 0;
      }
      if (i == layouts.size()) break;
    }
  }
  if (winner == nullptr) return Mapping{};
  // A handful of matched labels is not a template: e.g. a stray "总计".
  if (winner->evidence() < 5) {
    Mapping none;
    none.findings.push_back({"warning", "no-template",
                             "no report template recognised (best: " + winner->tmpl().id + " with " +
                                 std::to_string(winner->evidence()) + " matching labels)",
                             0, false});
    return none;
  }
  std::vector<ShortRow> best_short_rows;
  Mapping best = winner->take(best_short_rows);
  for (const ShortRow &r : best_short_rows) tie_break(best, r);
  // Which layout each table follows, and the year as evidence: the
  // structure decides, a format not in force in the report's year is a finding.
  auto years = [](const Template &t) {
    return std::to_string(t.first_year) + "-" + (t.last_year ? std::to_string(t.last_year) : std::string());
  };
  if (year > 0 && !in_force(*best.tmpl, year))
    best.findings.push_back({"info", "format-year",
                             "the report is for " + std::to_string(year) + " but its tables follow " + best.tmpl->id +
                                 " (reports of " + years(*best.tmpl) + ")",
                             0, false});
  for (size_t ti = 0; ti < best.tables.size(); ++ti) {
    const Table &tab = *best.tables[ti];
    if (!best.table_seen[ti] || tab.variant == best.tmpl->id) continue;
    std::string note;
    for (const Template &o : templates)
      if (o.id == tab.variant && year > 0 && !in_force(o, year))
        note = " (a format of the reports of " + years(o) + ", this report is for " + std::to_string(year) + ")";
    best.findings.push_back(
        {"info", "table-variant", "table " + tab.name + " follows the layout of " + tab.variant + note, 0, false});
  }
  return best;
}

const char *check_result_name(CheckResult r) {
  // The model's names: the two enums agree, as model/model.cpp asserts.
  return sdk::model::check_result_name(static_cast<sdk::model::CheckResult>(r));
}

std::string format_number(double v) {
  char buf[64];
  if (std::fabs(v - std::round(v)) < 1e-9) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.6f", v);
    std::string s(buf);
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }
  return buf;
}

std::vector<Check> run_checks(const Mapping &m) {
  std::vector<Check> out;
  if (m.tmpl == nullptr) return out;
  // The records of each table's first section, by row * columns + column.
  std::vector<std::vector<const Record *>> at(m.tables.size());
  for (const Record &r : m.records) {
    if (r.cell.section != 0) continue;
    const Section &first = m.tables[r.cell.table]->sections.front();
    auto &cells = at[r.cell.table];
    if (cells.empty()) cells.assign(first.rows.size() * first.columns.size(), nullptr);
    cells[r.cell.row * first.columns.size() + r.cell.column] = &r;
  }

  for (size_t ti = 0; ti < m.tables.size(); ++ti) {
    if (!m.table_seen[ti]) continue;
    const Table &tab = *m.tables[ti];
    const Section &sec = tab.sections.front();
    auto row_index = [&](const std::string &id) -> long {
      for (size_t i = 0; i < sec.rows.size(); ++i)
        if (sec.rows[i].id == id) return static_cast<long>(i);
      return -1;
    };
    auto col_index = [&](const std::string &id) -> long {
      for (size_t i = 0; i < sec.columns.size(); ++i)
        if (sec.columns[i].id == id) return static_cast<long>(i);
      return -1;
    };
    for (const Identity &id : tab.identities) {
      // Expands one side of the identity for an instance (fixed row or column).
      auto expand = [&](const std::vector<Term> &terms, long fixed_row, long fixed_col) {
        return identity_cells(tab, id, terms, fixed_row, fixed_col);
      };
      auto evaluate = [&](long fixed_row, long fixed_col, std::string row_label, std::string col_label) {
        Check ch;
        ch.identity = &id;
        ch.table = ti;
        ch.row = std::move(row_label);
        ch.column = std::move(col_label);
        bool counted_as_zero = false;
        auto sum = [&](const std::vector<Term> &terms, bool expected_side) {
          double total = 0;
          for (auto [r, c] : expand(terms, fixed_row, fixed_col)) {
            const Record *rec = nullptr;
            if (r >= 0 && c >= 0 && static_cast<size_t>(r) < sec.rows.size() &&
                static_cast<size_t>(c) < sec.columns.size() && !at[ti].empty())
              rec = at[ti][static_cast<size_t>(r) * sec.columns.size() + static_cast<size_t>(c)];
            ch.terms.push_back({rec, expected_side});
            if (rec != nullptr && rec->value.state == CellState::number)
              total += rec->value.numeric;
            else
              counted_as_zero = true;
            if (rec != nullptr && rec->placement == Placement::tie_break) ch.tie_break = true;
          }
          return total;
        };
        ch.expected = sum(id.expected, true);
        ch.actual = sum(id.actual, false);
        if (std::fabs(ch.expected - ch.actual) > 1e-6)
          ch.result = CheckResult::fail;
        else
          ch.result = counted_as_zero ? CheckResult::blank_pass : CheckResult::pass;
        out.push_back(std::move(ch));
      };
      if (id.per == "column") {
        for (size_t c = 0; c < sec.columns.size(); ++c) evaluate(-1, static_cast<long>(c), "", sec.columns[c].path);
      } else if (id.per == "row") {
        for (size_t r = 0; r < sec.rows.size(); ++r) evaluate(static_cast<long>(r), -1, sec.rows[r].path, "");
      } else {
        // "once": named after the column of the stated total
        const long c = id.actual.empty() ? -1 : col_index(id.actual.front().column);
        const long r = id.actual.empty() ? -1 : row_index(id.actual.front().row);
        evaluate(r, c, r >= 0 ? sec.rows[static_cast<size_t>(r)].path : "",
                 c >= 0 ? sec.columns[static_cast<size_t>(c)].path : "");
      }
    }
  }
  return out;
}

}  // namespace docpipe::templates
