// Document level: which lines form tables, which are narrative, and which
// column metric the producer used.
#include "layout.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <docpipe/sdk/plugin.hpp>
#include <docpipe/sdk/text.hpp>
#include <map>

#include "lines.hpp"
#include "table.hpp"

namespace docpipe::space_aligned {
namespace {

bool is_cjk(char32_t c) { return sdk::is_han(c) || sdk::is_cjk_punct(c) || sdk::char_width(c) == 2; }

// A line that alone shows column structure.
bool strong(const Line &L) {
  if (L.furniture) return false;
  if (L.kind == LineKind::rule) return L.segments.size() >= 2 || !L.bounds[kChars].empty();
  if (L.kind != LineKind::text || L.heading) return false;
  return L.chunks >= 2 || !L.bounds[kChars].empty() || L.nvalues >= 2;
}

// Many short words, single-spaced: column labels squeezed into a narrow
// dump (w3m: "维持 纠正 结果 审结 计 结果 ..."), not prose, which has no
// spaces between Chinese words (or, letter-spaced, one between each character).
bool short_label_run(const Line &L) {
  if (L.words.size() < 4) return false;
  size_t longer = 0;
  for (const Word &w : L.words) {
    if (w.text.size() > 4) return false;
    longer += w.text.size() >= 2 ? 1 : 0;
  }
  return longer * 2 >= L.words.size();
}

// Running prose: one chunk starting near the margin and long.
bool narrative(const Line &L) {
  return L.is_text() && L.chunks == 1 && L.nvalues == 0 && L.indent <= 4 && L.cps >= 24 && L.bounds[kChars].empty() &&
         !short_label_run(L);
}

bool table_like(const Line &L) {
  return L.is_text() && (L.chunks >= 2 || L.nvalues > 0 || (L.indent > 2 && L.cps < 24));
}

// "一、…" lines are section headings unless they sit inside a table without
// blank lines around them (a row label of a blank row), or are followed by
// another heading while glued to a table (the last blank row of a table).
void decide_headings(std::vector<Line> &lines) {
  const size_t n = lines.size();
  for (size_t i = 0; i < n; ++i) {
    Line &L = lines[i];
    if (!L.heading_candidate || L.furniture) continue;
    const bool prev_table = i > 0 && !L.page_start && table_like(lines[i - 1]) && !lines[i - 1].heading_candidate;
    const bool next_table = i + 1 < n && !lines[i + 1].page_start && table_like(lines[i + 1]);
    size_t j = i + 1;
    while (j < n && lines[j].kind != LineKind::text) ++j;
    const bool next_heading = j < n && lines[j].heading_candidate;
    L.heading = !(prev_table && (next_table || next_heading));
  }
}

// Per document, from the strongest evidence available: pandoc starts every
// cell at its dash segment, a frame's bars line up, and the values of
// consecutive lines with as many values line up, all in the producer's
// metric only (CJK text before them moves them in the other one).
int choose_metric(const std::vector<Line> &lines) {
  // 1. words starting exactly at a dash segment of the rule above them
  long seg_hits[2] = {0, 0};
  const Line *rule = nullptr;
  for (const Line &L : lines) {
    if (L.kind == LineKind::rule && L.segments.size() >= 2 && L.bounds[kChars].empty()) rule = &L;
    if (rule == nullptr || !L.is_text() || L.no - rule->no > 60) continue;
    for (const Word &w : L.words)
      for (const Segment &s : rule->segments)
        for (int m : {kChars, kDisplay}) seg_hits[m] += w.s[m] == s.s[m] ? 1 : 0;
  }
  if (seg_hits[kChars] != seg_hits[kDisplay]) return seg_hits[kDisplay] > seg_hits[kChars] ? kDisplay : kChars;

  // 2. bars and junctions of consecutive framed lines, 3. values
  long bars[2] = {0, 0}, vals[2] = {0, 0};
  const Line *framed = nullptr;
  std::map<std::pair<int, int>, size_t> last;
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line &L = lines[i];
    if (!L.bounds[kChars].empty()) {
      if (framed != nullptr && framed->bounds[kChars].size() == L.bounds[kChars].size())
        for (size_t k = 0; k < L.bounds[kChars].size(); ++k)
          for (int m : {kChars, kDisplay}) bars[m] += std::abs(L.bounds[m][k] - framed->bounds[m][k]);
      framed = &L;
    }
    if (!L.is_text() || L.nvalues == 0) continue;
    const auto key = std::make_pair(L.page, L.nvalues);
    auto it = last.find(key);
    if (it != last.end() && i - it->second <= 40) {
      const Line &P = lines[it->second];
      const size_t a = L.words.size() - L.nvalues, b = P.words.size() - P.nvalues;
      for (int k = 0; k < L.nvalues; ++k)
        for (int m : {kChars, kDisplay}) {
          const Word &x = L.words[a + k], &y = P.words[b + k];
          vals[m] += std::min(std::abs(x.s[m] - y.s[m]), std::abs(x.e[m] - y.e[m]));
        }
    }
    last[key] = i;
  }
  if (bars[kChars] != bars[kDisplay]) return bars[kDisplay] < bars[kChars] ? kDisplay : kChars;
  return vals[kDisplay] < vals[kChars] ? kDisplay : kChars;
}

// Whether `L`, after a gap of blank lines, goes on with the table of lines
// b..e, its column structure continuing: a line of two or more values and
// nothing else whose values each lie under a word of the table (pdftotext
// prints the 复议/诉讼 table's one unlabelled data row lines below its
// header), or, while the table is still all header (no line of values yet),
// a line of two or more chunks half of whose words lie under the table's
// words (a header's levels printed apart). Both metrics are tried: the
// document's metric is not decided yet.
bool continues_columns(const std::vector<Line> &lines, int b, int e, const Line &L) {
  if (!L.is_text() || L.heading || L.words.size() < 2) return false;
  const bool values_only = L.nvalues >= 2 && L.nlabel() == 0;
  if (!values_only) {
    if (L.chunks < 2 || L.nvalues > 0) return false;
    for (int j = b; j <= e; ++j)
      if (lines[j].nvalues > 0) return false;
  }
  for (int m : {kChars, kDisplay}) {
    int under = 0;
    for (const Word &v : L.words) {
      bool found = false;
      for (int j = b; j <= e && !found; ++j)
        for (const Word &w : lines[j].words)
          if (w.s[m] <= v.e[m] + 1 && v.s[m] <= w.e[m] + 1) {
            found = true;
            break;
          }
      under += found ? 1 : 0;
    }
    const int n = static_cast<int>(L.words.size());
    if (values_only ? under * 4 >= n * 3 : under * 2 >= n) return true;
  }
  return false;
}

std::vector<Region> find_regions(const std::vector<Line> &lines) {
  std::vector<Region> out;
  const int n = static_cast<int>(lines.size());
  int floor = 0;  // lines before it belong to an earlier region
  for (int i = 0; i < n; ++i) {
    if (!strong(lines[i])) continue;
    int b = i, blanks = 0;
    for (int j = i - 1; j >= floor && j >= i - 8; --j) {
      const Line &L = lines[j];
      if (L.heading || narrative(L)) break;
      if (L.kind == LineKind::blank || L.furniture) {
        if (++blanks > 1) break;
        continue;
      }
      blanks = 0;
      if (L.kind == LineKind::rule || (L.is_text() && L.chunks == 1 && L.cps < 24) || strong(L))
        b = j;
      else
        break;
    }
    int e = i;
    blanks = 0;
    for (int j = i + 1; j < n; ++j) {
      const Line &L = lines[j];
      if (L.heading || narrative(L)) break;
      if (L.kind == LineKind::blank || L.furniture) {
        if (++blanks < 3) continue;
        // A gap that holds a page break (the bottom margin, a page number,
        // the top margin) does not end a table that goes on on the next page.
        bool page_break = false;
        for (int g = j - blanks + 1; g <= j; ++g) page_break = page_break || lines[g].page_start;
        int k = j + 1;
        for (; k < n && k - j < 20 && (lines[k].kind == LineKind::blank || lines[k].furniture); ++k)
          page_break = page_break || lines[k].page_start;
        if (k < n) page_break = page_break || lines[k].page_start;
        if (!page_break && k < n && k - j < 20 && continues_columns(lines, b, e, lines[k])) page_break = true;
        if (!page_break || k >= n || k - j >= 20) break;
        blanks = 0;
        j = k - 1;
        continue;
      }
      blanks = 0;
      e = j;
    }
    // Two lines that show columns, or one (a header) over many short
    // indented lines: the row labels of a table whose cells are all blank.
    int strongs = 0, short_lines = 0;
    for (int j = b; j <= e; ++j) {
      strongs += strong(lines[j]) ? 1 : 0;
      short_lines += table_like(lines[j]) ? 1 : 0;
    }
    if (strongs >= 2 || (strongs == 1 && short_lines >= 8)) {
      out.push_back(Region{b, e});
      floor = e + 1;
      i = e;
    }
  }
  return out;
}

// Joins hard-wrapped lines: no space where either side is CJK.
void append_wrapped(std::string &para, const std::string &next) {
  if (para.empty()) {
    para = next;
    return;
  }
  // Only the characters at the seam matter: decoding the whole paragraph
  // for each of its lines would cost its length squared.
  if (!next.empty() && !is_cjk(sdk::last_code_point(para)) && !is_cjk(sdk::first_code_point(next))) para += ' ';
  para += next;
}

void emit_narrative(const std::vector<Line> &lines, int from, int to, int wrap_width, sdk::RawDocument &doc) {
  std::string para;
  sdk::LineRange where{};
  const Line *prev = nullptr;
  auto flush = [&] {
    if (!para.empty()) doc.add_paragraph(para, where);
    para.clear();
    prev = nullptr;
  };
  for (int i = from; i <= to; ++i) {
    const Line &L = lines[i];
    if (L.furniture) continue;
    if (!L.is_text()) {
      flush();
      continue;
    }
    if (L.heading) {
      flush();
      doc.add_heading(L.text(), 1, {L.no, L.no});
      continue;
    }
    // A new paragraph: first-line indent, or the previous line ended short
    // of the wrap width (it was the last line of its paragraph).
    if (prev != nullptr && (L.indent > prev->indent + 1 || prev->end_display < wrap_width * 7 / 10)) flush();
    if (para.empty()) where = {L.no, L.no};
    append_wrapped(para, L.text());
    where.last = L.no;
    prev = &L;
  }
  flush();
}

}  // namespace

double probe(std::string_view text) {
  const std::string_view prefix = text.substr(0, std::min<size_t>(text.size(), 256 * 1024));
  int nonblank = 0, tabbed = 0, aligned = 0, rules = 0, piped = 0, grid_rules = 0;
  // Line by line without building the list of lines (split_lines' lines;
  // a last empty one would be blank anyway).
  for (size_t start = 0; start < prefix.size();) {
    size_t nl = prefix.find('\n', start);
    if (nl == std::string_view::npos) nl = prefix.size();
    const std::string_view raw = prefix.substr(start, nl - start);
    start = nl + 1;
    // Blank: ASCII white space only, or Unicode white space after it.
    size_t q = 0;
    while (q < raw.size() && (raw[q] == ' ' || (raw[q] >= '\t' && raw[q] <= '\r'))) ++q;
    if (q == raw.size() || (static_cast<unsigned char>(raw[q]) >= 0x80 && sdk::is_blank(raw.substr(q)))) continue;
    ++nonblank;
    if (raw.find('\t') != std::string_view::npos) ++tabbed;
    // an internal run of 2+ spaces after some text
    // (find_first_not_of by hand: the library asks memchr once per character)
    size_t first = 0;
    while (first < raw.size() && (raw[first] == ' ' || raw[first] == '\f' || raw[first] == '\r')) ++first;
    if (first == raw.size()) continue;
    const std::string_view body = raw.substr(first);
    // Pipe rows (`| 规章 | 0 |`) and the `+---+` rules of grid tables.
    if (body.front() == '|' && body.find('|', 1) != std::string_view::npos) ++piped;
    if (body.front() == '+' && body.find("-+") != std::string_view::npos) ++grid_rules;
    size_t gap = body.find("  ");
    if (gap != std::string_view::npos) {
      while (gap < body.size() && (body[gap] == ' ' || body[gap] == '\r')) ++gap;
      if (gap < body.size()) ++aligned;
    }
    if (body.find("---") != std::string_view::npos || body.find("\u2500") != std::string_view::npos ||
        body.find("\u2502") != std::string_view::npos)
      ++rules;
  }
  if (nonblank == 0) return 0.0;
  // TAB-separated fields (tab-separated exports, Tika's cell lines) are not ours.
  if (tabbed >= 3 && tabbed * 10 >= nonblank) return 0.05;
  // Tables of pipe rows are read by their pipes (tab-separated), unless grid
  // rules frame cells that wrap over several lines.
  if (piped >= 3 && piped * 10 >= nonblank && grid_rules == 0) return 0.05;
  const int evidence = aligned + rules;
  if (evidence < 3) return 0.1;
  return std::min(0.95, 0.5 + 0.45 * std::min(1.0, evidence / 20.0));
}

void parse(std::string_view text, const sdk::ShapeHints &hints, sdk::RawDocument &doc) {
  const Shapes &shapes = sdk::derived_from<Shapes>(hints);
  std::vector<char32_t> chars;
  std::vector<Line> lines = read_lines(text, chars);
  decide_headings(lines);
  const int metric = choose_metric(lines);
  const std::vector<Region> regions = find_regions(lines);

  // Wrap width of the prose: the widest lines outside tables.
  std::vector<int> widths;
  {
    size_t r = 0;
    for (int i = 0; i < static_cast<int>(lines.size()); ++i) {
      while (r < regions.size() && regions[r].last < i) ++r;
      if (r < regions.size() && regions[r].first <= i) continue;
      if (narrative(lines[i])) widths.push_back(lines[i].end_display);
    }
  }
  int wrap_width = 0;
  if (!widths.empty()) {
    std::sort(widths.begin(), widths.end());
    wrap_width = widths[widths.size() * 9 / 10];
  }

  int next = 0;
  for (const Region &r : regions) {
    if (r.first > next) emit_narrative(lines, next, r.first - 1, wrap_width, doc);
    build_table(lines, r, metric, shapes, doc);
    next = r.last + 1;
  }
  if (next < static_cast<int>(lines.size()))
    emit_narrative(lines, next, static_cast<int>(lines.size()) - 1, wrap_width, doc);
  for (const Line &L : lines)
    if (L.furniture)
      doc.diagnose(sdk::Severity::info, L.no, "page-furniture", "page header, footer or number dropped: " + L.text());
  if (regions.empty())
    doc.diagnose(sdk::Severity::warning, 0, "no-table", "no space-aligned table found: the text is read as prose only");
}

}  // namespace docpipe::space_aligned
