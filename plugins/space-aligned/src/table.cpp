// One table region -> sdk::Table. The steps, in order:
//   1. sections: title lines (第…条第（…）项), header blocks, data lines;
//   2. logical rows: blank lines, values and enumerators start rows, wrapped
//      label lines continue them (see README.md for the exact rules);
//   3. label cells: words chained to the cell above them, group labels moved
//      to the first row they span;
//   4. value columns: explicit rules, else per page evidence (full rows,
//      header leaves), then a monotonic least-cost alignment per row.
#include "table.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <docpipe/sdk/labels.hpp>
#include <docpipe/sdk/text.hpp>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <span>
#include <string>
#include <unordered_map>

namespace docpipe::space_aligned {
namespace {

struct Interval {
  double s = 0, e = 0;
  double mid() const { return (s + e) / 2; }
};

// Which point of a value lines up with its column's header: producers
// centre values (w3m, most PDFs) or start them where the header starts
// (a left-aligned PDF table cell).
enum class Anchor { start, centre, end };
double anchor_point(const Interval &iv, Anchor a) {
  return a == Anchor::start ? iv.s : a == Anchor::end ? iv.e : iv.mid();
}

bool is_cjk(char32_t c) { return sdk::is_han(c) || sdk::is_cjk_punct(c) || sdk::char_width(c) == 2; }

// An enumerator with nothing after it: "（三）", "1.", "一、".
bool bare_enumerator(const Word &w) {
  if (w.depth == 0 || w.text.empty() || w.text.size() > 4) return false;
  const char32_t last = w.text.back();
  return last == U'）' || last == U')' || last == U'、' || last == U'.' || last == U'．';
}

int overlap(const Word &a, const Word &b, int m) { return std::min(a.e[m], b.e[m]) - std::max(a.s[m], b.s[m]); }

// Pieces of one cell, in reading order; no space where either side is CJK
// (wrapped or letter-spaced Chinese), one space otherwise.
std::string join_words(const std::vector<const Word *> &ws) {
  std::string out;
  char32_t last = 0;  // of the text so far, when there is some
  bool any = false;
  for (const Word *w : ws) {
    if (any && !w->text.empty() && !is_cjk(last) && !is_cjk(w->text.front())) out += ' ';
    sdk::append_utf8(w->text, out);
    if (!w->text.empty()) last = w->text.back(), any = true;
  }
  return out;
}

// The label keys of a region's label words (values left out), joined: what
// Shapes::of tells the table by.
std::string labels_key(const std::vector<Line> &lines, const Region &r) {
  std::string all;
  // A table repeats its labels (headers on every page, 合计, 其他): each
  // distinct word is keyed once.
  std::unordered_map<std::u32string_view, std::string> key_of;
  for (int i = r.first; i <= r.last; ++i) {
    const Line &L = lines[i];
    if (!L.is_text()) continue;
    for (size_t k = 0; k < L.nlabel(); ++k) {
      auto [it, fresh] = key_of.try_emplace(L.words[k].text);
      if (fresh) it->second = sdk::label_key(sdk::to_utf8(L.words[k].text));
      all += it->second;
    }
  }
  return all;
}

struct Section {
  std::vector<int> titles;
  std::vector<int> header;
  std::vector<int> data;  // with the blank and rule lines between data lines
};

struct RowB {
  std::vector<int> lines;
  int value_line = -1;
  // A row whose values pdftotext split over its two lines (the label wraps
  // and the cells are vertically centred): both lines' values in position
  // order, with the line each came from. Empty for the usual one value line.
  std::vector<Word> split_values;
  std::vector<int> split_lines;
  std::vector<int> cells;  // label cells shown in this row
  int leaf = -1;
};

struct CellB {
  std::vector<const Word *> words;
  int row = -1;
  int xs = 0, xe = 0;
  int depth = 0, number = 0;
  int first_line = 0, last_line = 0;
  int rowspan = 1;
};

// Least-cost monotonic assignment of a row's values (left to right) to value
// columns; values beyond the columns are dropped at a high cost.
struct Fit {
  std::vector<int> column;
  std::vector<double> margin;  // how much worse the best alternative column is
};

constexpr double kInf = 1e18;
constexpr double kDrop = 100;

// C is n x K, row-major. solve() fills the flat table f ((n + 1) x (K + 1))
// and returns the least cost; with `assign` it also reads the assignment
// back. solve_forbidding() gives the least cost when pairing (forbid_i,
// forbid_k) costs kInf / 4, for the margins: the rows of f above forbid_i do
// not depend on it, so only the rows from there on are computed again (the
// same sums in the same order as a solution from scratch).
//
// One DP row; Forbid makes pairing k - 1 == forbid_k cost kInf / 4, How
// records the choices. (Templates: the common rows test neither.)
template <bool Forbid, bool How>
void dp_row(const double *c, int K, const double *prev, double *cur, int forbid_k, char *how) {
  cur[0] = prev[0] + kDrop;
  if constexpr (How) how[0] = 2;
  for (int k = 1; k <= K; ++k) {
    double best = prev[k] + kDrop;
    char h = 2;
    if (cur[k - 1] < best) best = cur[k - 1], h = 0;
    double cost = c[k - 1];
    if constexpr (Forbid)
      if (k - 1 == forbid_k) cost = kInf / 4;
    if (prev[k - 1] + cost < best) best = prev[k - 1] + cost, h = 1;
    cur[k] = best;
    if constexpr (How) how[k] = h;
  }
}

double solve(const std::vector<double> &C, int n, int K, std::vector<double> &f, std::vector<int> *assign) {
  thread_local std::vector<char> how;
  const size_t W = static_cast<size_t>(K) + 1;
  f.assign((static_cast<size_t>(n) + 1) * W, kInf);
  if (assign != nullptr) how.assign((static_cast<size_t>(n) + 1) * W, 0);
  for (int k = 0; k <= K; ++k) f[k] = 0;
  for (int i = 1; i <= n; ++i) {
    const double *c = &C[static_cast<size_t>(i - 1) * K];
    if (assign != nullptr)
      dp_row<false, true>(c, K, &f[(i - 1) * W], &f[i * W], -1, &how[i * W]);
    else
      dp_row<false, false>(c, K, &f[(i - 1) * W], &f[i * W], -1, nullptr);
  }
  if (assign != nullptr) {
    assign->assign(n, -1);
    int i = n, k = K;
    while (i > 0) {
      const char h = how[i * W + k];
      if (h == 0) {
        --k;
      } else if (h == 1) {
        (*assign)[i - 1] = k - 1;
        --i;
        --k;
      } else {
        --i;
      }
    }
  }
  return f[static_cast<size_t>(n) * W + K];
}

double solve_forbidding(const std::vector<double> &C, int n, int K, const std::vector<double> &f, int forbid_i,
                        int forbid_k) {
  thread_local std::vector<double> g;
  const size_t W = static_cast<size_t>(K) + 1;
  const int rows = n - forbid_i;  // DP rows forbid_i + 1 .. n
  g.assign(static_cast<size_t>(rows) * W, kInf);
  dp_row<true, false>(&C[static_cast<size_t>(forbid_i) * K], K, &f[static_cast<size_t>(forbid_i) * W], g.data(),
                      forbid_k, nullptr);
  for (int r = 1; r < rows; ++r)
    dp_row<false, false>(&C[static_cast<size_t>(forbid_i + r) * K], K, &g[(r - 1) * W], &g[r * W], -1, nullptr);
  return g[static_cast<size_t>(rows - 1) * W + K];
}

// What fit_row needs of a page's evidence, computed once per page: the
// centre of every column (interpolated between neighbours where a column
// has no evidence) and each column's distinct intervals (the least cost
// over them is the least cost over all).
struct Columns {
  std::vector<double> centre;
  std::vector<std::vector<Interval>> distinct;
};

Columns columns_of(const std::vector<std::vector<Interval>> &ev, int K) {
  Columns out;
  std::vector<double> &centre = out.centre;
  centre.assign(K, std::numeric_limits<double>::quiet_NaN());
  std::vector<double> mids;
  for (int k = 0; k < K; ++k) {
    if (ev[k].empty()) continue;
    mids.clear();
    for (const Interval &iv : ev[k]) mids.push_back(iv.mid());
    std::sort(mids.begin(), mids.end());
    centre[k] = mids[mids.size() / 2];
  }
  std::vector<int> known;
  for (int k = 0; k < K; ++k)
    if (!std::isnan(centre[k])) known.push_back(k);
  double spacing = 5;
  if (known.size() >= 2) spacing = (centre[known.back()] - centre[known.front()]) / (known.back() - known.front());
  for (int k = 0; k < K; ++k) {
    if (!std::isnan(centre[k])) continue;
    int lo = -1, hi = -1;
    for (int j : known) {
      if (j < k) lo = j;
      if (j > k && hi < 0) hi = j;
    }
    if (lo >= 0 && hi >= 0)
      centre[k] = centre[lo] + (centre[hi] - centre[lo]) * (k - lo) / (hi - lo);
    else if (lo >= 0)
      centre[k] = centre[lo] + spacing * (k - lo);
    else if (hi >= 0)
      centre[k] = centre[hi] - spacing * (hi - k);
    else
      centre[k] = k * spacing;
  }
  out.distinct.resize(K);
  for (int k = 0; k < K; ++k) {
    std::vector<Interval> &d = out.distinct[k];
    d = ev[k];
    std::sort(d.begin(), d.end(),
              [](const Interval &a, const Interval &b) { return a.s < b.s || (a.s == b.s && a.e < b.e); });
    d.erase(
        std::unique(d.begin(), d.end(), [](const Interval &a, const Interval &b) { return a.s == b.s && a.e == b.e; }),
        d.end());
  }
  return out;
}

Fit fit_row(std::span<const Word> vals, const Columns &cols, int K, int m, Anchor anchor) {
  Fit out;
  const int n = static_cast<int>(vals.size());
  if (K == 0) {
    out.column.assign(n, -1);
    out.margin.assign(n, 0);
    return out;
  }
  thread_local std::vector<double> C, f;
  C.assign(static_cast<size_t>(n) * K, 0);
  auto cost = [&](int i, int k) -> double & { return C[static_cast<size_t>(i) * K + k]; };
  for (int i = 0; i < n; ++i) {
    const Interval v{static_cast<double>(vals[i].s[m]), static_cast<double>(vals[i].e[m])};
    for (int k = 0; k < K; ++k) {
      const std::vector<Interval> &ev = cols.distinct[k];
      if (ev.empty()) {
        cost(i, k) = 0.5 + 0.5 * std::fabs(v.mid() - cols.centre[k]);
        continue;
      }
      double best = kInf;
      for (const Interval &e : ev) {
        const double gap = std::max({0.0, e.s - v.e, v.s - e.e});
        best = std::min(best, gap + 0.02 * std::fabs(anchor_point(v, anchor) - anchor_point(e, anchor)));
      }
      cost(i, k) = best;
    }
  }
  const double best = solve(C, n, K, f, &out.column);
  out.margin.assign(n, kInf);
  for (int i = 0; i < n; ++i) {
    if (out.column[i] < 0) continue;
    out.margin[i] = solve_forbidding(C, n, K, f, i, out.column[i]) - best;
  }
  return out;
}

class TableBuilder {
 public:
  TableBuilder(const std::vector<Line> &lines, const Region &r, int m, const Shapes &shapes, sdk::RawDocument &doc)
      : lines_(lines), region_(r), m_(m), doc_(doc), shapes_(shapes), shape_(shapes.of(labels_key(lines, r))) {}

  void run() {
    segments_ = explicit_segments();
    split_sections();
    blank_mode_ = detect_blank_mode();
    sdk::Table &t = doc_.add_table({lines_[region_.first].no, lines_[region_.last].no});
    for (const Section &s : sections_) build_section(s, t);
  }

 private:
  // --- sections -----------------------------------------------------------

  // The value columns of every data row, when the shape hints fix them: for
  // the section being built, by its title (the layout's own section of that
  // title), else for the whole table.
  // (Asked for every line a row may take values from: the section's answer
  // is kept by build_section.)
  size_t fixed_value_columns() const {
    return cur_ != nullptr ? cur_fixed_ : static_cast<size_t>(shape_.fixed_columns);
  }
  size_t fixed_value_columns(const Section &s) const {
    if (!s.titles.empty()) {
      std::string title;
      for (int i : s.titles) sdk::append_utf8(lines_[i].body, title);
      const auto it = shape_.section_columns.find(sdk::label_key(title));
      if (it != shape_.section_columns.end()) return static_cast<size_t>(it->second);
    }
    return static_cast<size_t>(shape_.fixed_columns);
  }

  // A section's title line: a line of one label whose key is a section label
  // of the hints (第二十条第（一）项).
  bool is_title(const Line &L) const {
    if (!L.is_text() || L.nvalues != 0 || L.chunks != 1) return false;
    return shapes_.is_section_title(sdk::label_key(L.text()));
  }

  void split_sections() {
    value_left_ = std::numeric_limits<int>::max();
    for (int i = region_.first; i <= region_.last; ++i)
      if (lines_[i].is_text() && lines_[i].nvalues > 0)
        value_left_ = std::min(value_left_, lines_[i].words[lines_[i].nlabel()].s[m_]);
    // Where the values are blank but for the last columns, their words alone
    // put the value area too far right; the producer's column boundaries
    // give it when the table's shape fixes the number of value columns.
    if (const size_t k = fixed_value_columns(); k > 0 && segments_.size() > k)
      value_left_ = std::min(value_left_, static_cast<int>(segments_[segments_.size() - k].s));
    sections_.emplace_back();
    bool in_header = true;
    for (int i = region_.first; i <= region_.last; ++i) {
      const Line &L = lines_[i];
      Section *s = &sections_.back();
      if (!L.is_text()) {
        if (!s->data.empty()) s->data.push_back(i);
        continue;
      }
      if (is_title(L)) {
        if (!s->data.empty() || !s->header.empty()) s = &sections_.emplace_back();
        s->titles.push_back(i);
        in_header = true;
      } else if (L.nvalues > 0) {
        s->data.push_back(i);
        in_header = false;
      } else if (in_header) {
        // The header ends at the first row label: enumerated, or a label
        // left of the value columns that does not continue a header label.
        const bool label_only =
            value_left_ != std::numeric_limits<int>::max() &&
            std::all_of(L.words.begin(), L.words.end(), [&](const Word &w) { return w.e[m_] <= value_left_; });
        if (L.words.front().depth > 0 || (!s->header.empty() && label_only && !continues_header(L, s->header.back()))) {
          s->data.push_back(i);
          in_header = false;
        } else {
          s->header.push_back(i);
        }
      } else {
        // Column labels after data rows: the next section's header.
        const bool reaches_values =
            std::any_of(L.words.begin(), L.words.end(), [&](const Word &w) { return w.s[m_] >= value_left_ - 1; });
        if (reaches_values && L.words.front().depth == 0 && value_left_ != std::numeric_limits<int>::max()) {
          s = &sections_.emplace_back();
          s->header.push_back(i);
          in_header = true;
        } else {
          s->data.push_back(i);
        }
      }
    }
  }

  bool continues_header(const Line &L, int prev) const {
    const Line &P = lines_[prev];
    for (const Word &w : L.words) {
      bool ok = false;
      for (const Word &a : P.words) ok = ok || (overlap(w, a, m_) > 0 && w.width(m_) <= a.width(m_) + 1);
      if (!ok) return false;
    }
    return true;
  }

  // w3m and pandoc put a blank line between rows; pdftotext and lynx do not.
  bool detect_blank_mode() const {
    int pairs = 0, separated = 0, prev = -1;
    bool blank_since = false;
    for (int i = region_.first; i <= region_.last; ++i) {
      const Line &L = lines_[i];
      if (L.kind == LineKind::blank) blank_since = true;
      if (!L.is_text() || L.nvalues == 0) continue;
      if (prev >= 0) {
        ++pairs;
        separated += blank_since ? 1 : 0;
      }
      prev = i;
      blank_since = false;
    }
    return pairs > 0 && separated * 2 >= pairs;
  }

  // Column boundaries drawn by the producer: pandoc's dash segments, or the
  // junctions and vertical bars of a box or +---+ frame.
  std::vector<Interval> explicit_segments() const {
    const Line *best = nullptr;
    for (int i = region_.first; i <= region_.last; ++i) {
      const Line &L = lines_[i];
      if (L.kind == LineKind::rule && L.segments.size() >= 2 &&
          (best == nullptr || L.segments.size() > best->segments.size()))
        best = &L;
    }
    std::vector<Interval> out;
    if (best != nullptr && best->bounds[m_].empty()) {
      for (const Segment &s : best->segments)
        out.push_back({static_cast<double>(s.s[m_]), static_cast<double>(s.e[m_])});
      return out;
    }
    std::vector<int> b;
    for (int i = region_.first; i <= region_.last; ++i)
      for (int x : lines_[i].bounds[m_]) b.push_back(x);
    if (b.size() < 2) return out;
    std::sort(b.begin(), b.end());
    std::vector<int> cl;
    for (int x : b)
      if (cl.empty() || x - cl.back() > 1) cl.push_back(x);
    for (size_t k = 0; k + 1 < cl.size(); ++k) out.push_back({cl[k] + 1.0, static_cast<double>(cl[k + 1])});
    return out;
  }

  // --- rows -----------------------------------------------------------------

  const Line &line(int i) const { return lines_[i]; }

  // Widest label word near `w` (same centre, a few lines around): a line
  // cut by the cell width is the widest piece of its cell.
  int near_width(const Word &w, int line_index) const {
    int best = 0;
    for (int i : cur_->data) {
      const Line &L = lines_[i];
      if (!L.is_text() || std::abs(i - line_index) > 4) continue;
      for (size_t k = 0; k < L.nlabel(); ++k)
        if (std::fabs(L.words[k].mid(m_) - w.mid(m_)) <= 2) best = std::max(best, L.words[k].width(m_));
    }
    return best;
  }

  int link(const Word &w, int prev) const {
    if (prev < 0) return -1;
    const Line &P = lines_[prev];
    int best = -1, ov = 0;
    for (size_t k = 0; k < P.nlabel(); ++k) {
      const int o = overlap(w, P.words[k], m_);
      if (o > ov) ov = o, best = static_cast<int>(k);
    }
    return best;
  }

  // Every label word of L lies under a label word of the previous line and
  // is not wider than it. Under an enumerated label (or its continuation)
  // that is enough: a row's own label always starts with its enumerator.
  // Under a plain label the line above must have been cut by the cell width
  // (the widest piece around) and this one be narrower, else it is the label
  // of a blank row.
  // A group label (or a piece of one, cut by a narrow column) left of the
  // row's own enumerated label `leaf` does not need a word above it: w3m
  // centres a group label vertically, so it can sit on a continuation line
  // of the row above.
  bool continues(const Line &L, int prev, const std::map<int, std::vector<bool>> &enumerated, const Word *leaf) const {
    if (L.nlabel() == 0) return false;
    bool linked = false;
    for (size_t k = 0; k < L.nlabel(); ++k) {
      const Word &w = L.words[k];
      if (leaf != nullptr && leaf->depth > w.depth && w.e[m_] <= leaf->s[m_]) continue;
      linked = true;
      const int j = link(w, prev);
      if (j < 0) return false;
      const Word &a = lines_[prev].words[j];
      if (w.width(m_) > a.width(m_) + 1) return false;
      if (enumerated.at(prev)[j]) continue;
      if (w.width(m_) >= a.width(m_) || a.width(m_) < near_width(a, prev) - 1) return false;
    }
    return linked;
  }

  // L, the line after row R's value line, continues R's wrapped label and
  // holds the rest of R's values: in a table of fixed width, both lines
  // short of it, together not over it, and no value of one above a value of
  // the other. Then R takes L's values too (split_values).
  bool joins_split_values(RowB &R, const Line &L, int li, int prev, const std::map<int, std::vector<bool>> &enumerated,
                          const Word *leaf) const {
    const size_t fixed = fixed_value_columns();
    if (fixed == 0 || !R.split_values.empty() || R.value_line != prev || L.nlabel() == 0) return false;
    const Line &V = lines_[R.value_line];
    const size_t a = static_cast<size_t>(V.nvalues), b = static_cast<size_t>(L.nvalues);
    if (a + b > fixed || !continues(L, prev, enumerated, leaf)) return false;
    const auto upper = std::span<const Word>(V.words).subspan(V.nlabel());
    const auto lower = std::span<const Word>(L.words).subspan(L.nlabel());
    for (const Word &x : upper)
      for (const Word &y : lower)
        if (overlap(x, y, m_) > 0) return false;
    std::vector<std::pair<const Word *, int>> all;
    for (const Word &x : upper) all.push_back({&x, R.value_line});
    for (const Word &y : lower) all.push_back({&y, li});
    std::sort(all.begin(), all.end(), [&](const auto &x, const auto &y) { return x.first->s[m_] < y.first->s[m_]; });
    for (const auto &[w, line] : all) {
      R.split_values.push_back(*w);
      R.split_lines.push_back(line);
    }
    return true;
  }

  // pdftotext wraps a number too wide for its cell onto the next line
  // ("452.83" over "39"): a line of values alone right under the row's value
  // line, each of them under exactly one value of that line (overlapping it)
  // and joining it into one number. The row takes the joined numbers.
  bool joins_wrapped_numbers(RowB &R, const Line &L, int prev) const {
    if (!R.split_values.empty() || R.value_line < 0 || R.value_line != prev || L.nlabel() != 0 || L.nvalues == 0)
      return false;
    const Line &V = lines_[R.value_line];
    const auto upper = std::span<const Word>(V.words).subspan(V.nlabel());
    auto digits = [](std::u32string_view t, bool head) {
      bool any = false;
      for (size_t i = 0; i < t.size(); ++i) {
        const char32_t c = t[i];
        if (c >= U'0' && c <= U'9')
          any = true;
        else if (!(head && (c == U'.' || (c == U'-' && i == 0))))
          return false;
      }
      return any;
    };
    std::vector<int> piece(upper.size(), -1);  // lower word joined to each upper one
    for (size_t j = 0; j < L.words.size(); ++j) {
      const Word &y = L.words[j];
      int hit = -1, hits = 0;
      for (size_t i = 0; i < upper.size(); ++i)
        if (overlap(upper[i], y, m_) > 0) hit = static_cast<int>(i), ++hits;
      if (hits != 1 || piece[static_cast<size_t>(hit)] >= 0) return false;
      const std::u32string_view x = upper[static_cast<size_t>(hit)].text;
      // A number's first part: digits (a point or a leading minus), not a
      // lone or leading 0 ("0" over "0" is two rows of zeros).
      if (!digits(x, true) || !digits(y.text, false) || x.front() == U'0' ||
          (x.size() > 1 && x.front() == U'-' && x[1] == U'0'))
        return false;
      piece[static_cast<size_t>(hit)] = static_cast<int>(j);
    }
    for (size_t i = 0; i < upper.size(); ++i) {
      Word w = upper[i];
      if (piece[i] >= 0) {
        const Word &y = L.words[static_cast<size_t>(piece[i])];
        std::u32string &joined = joined_.emplace_back(w.text);
        joined += y.text;
        w.text = joined;
        for (int m : {0, 1}) w.e[m] = std::max(w.e[m], y.e[m]);
      }
      R.split_values.push_back(w);
      R.split_lines.push_back(R.value_line);
    }
    return true;
  }

  std::vector<RowB> segment_rows(const Section &s) const {
    std::vector<RowB> rows;
    // prev: the line before; above: the last one with label words (a line
    // of values alone can sit between a label and its continuation).
    int cur = -1, prev = -1, above = -1;
    bool gap = true;
    // Per line and label word: the word starts with an enumerator or
    // continues one that does.
    std::map<int, std::vector<bool>> enumerated;
    for (int i : s.data) {
      const Line &L = lines_[i];
      if (!L.is_text() || L.furniture) {
        gap = true;
        continue;
      }
      // A gap that holds a page break (margins, a page number) may fall
      // inside a row: Word lets a row's wrapped label go on on the next page,
      // and whether it does is then judged as for any other line.
      bool page_gap = false;
      if (gap && prev >= 0)
        for (int j = prev + 1; j <= i; ++j) page_gap = page_gap || lines_[j].page_start;
      auto &en = enumerated[i];
      for (size_t k = 0; k < L.nlabel(); ++k) {
        const int j = link(L.words[k], above);
        en.push_back(L.words[k].depth > 0 || (j >= 0 && enumerated[above][j]));
      }
      const size_t nl = L.nlabel();
      const bool has_vals = L.nvalues > 0;
      // The current row's own label, when it is enumerated.
      const Word *leaf = nullptr;
      if (cur >= 0) {
        const Line &F = lines_[rows[cur].lines.front()];
        if (F.nlabel() > 0 && F.words[F.nlabel() - 1].depth > 0) leaf = &F.words[F.nlabel() - 1];
      }
      // One blank line inside a wrapped label: pdftotext puts the values of
      // a label over three lines on the middle one, and may leave a blank
      // line above it ("1、申请人无正当理由逾期不补" / "" / "正、行政机关… 67 3 …").
      // The line goes on with the row when the row's own label is enumerated,
      // the row has no values yet, and the line continues that label.
      bool label_gap = false;
      if (gap && !page_gap && cur >= 0 && prev >= 0 && i == prev + 2 && leaf != nullptr && rows[cur].value_line < 0 &&
          nl > 0 && !en.empty()) {
        bool enumerated_word = false;
        for (size_t k = 0; k < nl; ++k) enumerated_word = enumerated_word || L.words[k].depth > 0;
        label_gap = !enumerated_word && continues(L, above, enumerated, leaf);
      }
      bool start;
      if (cur < 0 || (gap && !page_gap && !label_gap)) {
        start = true;
      } else if (nl > 0 && L.words[nl - 1].depth > 0) {
        start = true;
        // An enumerated group label on a continuation line, left of the
        // row's own enumerated label: not a new row. So too a bare
        // enumerator (the group label's text wraps onto the lines below,
        // "（三）" / "不予公" / "开") on the row's value line, when the row has
        // no values yet.
        const Word &w = L.words[nl - 1];
        if (leaf != nullptr && leaf->depth > w.depth && w.e[m_] <= leaf->s[m_] &&
            (!has_vals || (rows[cur].value_line < 0 && nl == 1 && bare_enumerator(w))))
          start = false;
      } else if (has_vals) {
        if (rows[cur].value_line >= 0)
          start = !joins_wrapped_numbers(rows[cur], L, prev) &&
                  !joins_split_values(rows[cur], L, i, prev, enumerated, leaf);
        else if (nl == 0 || blank_mode_)
          start = false;
        else
          start = !continues(L, above, enumerated, leaf);
      } else {
        start = blank_mode_ ? false : !continues(L, above, enumerated, leaf);
      }
      if (start) {
        rows.emplace_back();
        cur = static_cast<int>(rows.size()) - 1;
      }
      rows[cur].lines.push_back(i);
      if (has_vals && rows[cur].split_values.empty()) rows[cur].value_line = i;
      gap = false;
      prev = i;
      if (nl > 0) above = i;
    }
    return rows;
  }

  // --- label cells ------------------------------------------------------------

  void build_cells(std::vector<RowB> &rows, std::vector<CellB> &cells) const {
    std::map<std::pair<int, int>, int> cell_of;  // (line, word) -> cell
    std::vector<bool> is_leaf;
    int prev = -1;
    for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
      for (int li : rows[r].lines) {
        const Line &L = lines_[li];
        int prev_cell = -1;
        const Word *prev_word = nullptr;
        for (size_t wi = 0; wi < L.nlabel(); ++wi) {
          const Word &w = L.words[wi];
          int c = -1;
          if (w.depth == 0) {
            // Under a word of the line above, or of an earlier line of the
            // same row (a group label's piece can come between: "4.保护第三方合法权"
            // / "（三） values" / "益").
            auto chain = [&](int above) {
              const int k = link(w, above);
              if (k < 0) return;
              auto it = cell_of.find({above, k});
              if (it != cell_of.end() && (cells[it->second].row == r || !is_leaf[it->second])) c = it->second;
            };
            chain(prev);
            for (auto it = rows[r].lines.rbegin(); c < 0 && it != rows[r].lines.rend(); ++it)
              if (*it < li && *it != prev) chain(*it);
            // A group label printed vertically, a character or two per line
            // ("三、" / "本" / "年" / "度" …, pdftotext of a narrow merged
            // cell): a short piece under the last piece of an open group
            // label a few lines up joins it.
            // So too the rest of a group label that its rows' lines cut
            // ("（六）其" / "2、申请人…" / "他处理").
            if (c < 0)
              for (int up = li - 1; c < 0 && up >= 0 && up >= li - 4; --up) {
                if (!lines_[up].is_text()) continue;
                const int k = link(w, up);
                if (k < 0) continue;
                auto it = cell_of.find({up, k});
                if (it != cell_of.end() && !is_leaf[it->second] && cells[it->second].row != r &&
                    cells[it->second].last_line == lines_[up].no)
                  c = it->second;
                break;
              }
            // Letter-spaced or single-space separated pieces of one cell.
            if (c < 0 && prev_cell >= 0 && cells[prev_cell].row == r && prev_word != nullptr &&
                (w.s[m_] - prev_word->e[m_] <= 2 || (w.text.size() == 1 && prev_word->text.size() == 1)))
              c = prev_cell;
          }
          if (c < 0) {
            CellB nc;
            nc.row = r;
            nc.xs = w.s[m_];
            nc.xe = w.e[m_];
            nc.depth = w.depth;
            nc.number = w.number;
            nc.first_line = L.no;
            cells.push_back(nc);
            is_leaf.push_back(false);
            c = static_cast<int>(cells.size()) - 1;
            rows[r].cells.push_back(c);
          }
          cells[c].words.push_back(&w);
          cells[c].last_line = L.no;
          if (cells[c].words.size() > 1 && L.no == cells[c].first_line) cells[c].xe = std::max(cells[c].xe, w.e[m_]);
          cell_of[{li, static_cast<int>(wi)}] = c;
          prev_cell = c;
          prev_word = &w;
        }
        if (L.nlabel() > 0) prev = li;  // (a line of values alone does not break a label's chain)
      }
      // The row's own label is its rightmost cell; cells left of it are
      // group labels spanning several rows.
      int leaf = -1;
      for (int c : rows[r].cells)
        if (leaf < 0 || cells[c].xs > cells[leaf].xs) leaf = c;
      // A row of a bare enumerator alone ("三、", the top of a vertically
      // printed group label) has no label of its own: the enumerator is the
      // start of a group label.
      if (leaf >= 0 && rows[r].cells.size() == 1 && rows[r].value_line < 0 && cells[leaf].words.size() == 1 &&
          bare_enumerator(*cells[leaf].words.front()))
        leaf = -1;
      // So is an enumerated label alone on its row, without values, when the
      // next row's own label is enumerated one level deeper and starts right
      // of it: it is their group label, cut by their lines ("（六）其" over
      // "2、申请人…").
      if (leaf >= 0 && rows[r].cells.size() == 1 && rows[r].value_line < 0 && cells[leaf].depth > 0 &&
          r + 1 < static_cast<int>(rows.size()) && !rows[r + 1].lines.empty()) {
        const Line &N = lines_[rows[r + 1].lines.front()];
        if (N.nlabel() > 0) {
          const Word &nl = N.words[N.nlabel() - 1];
          if (nl.depth == cells[leaf].depth + 1 && nl.s[m_] > cells[leaf].xe) leaf = -1;
        }
      }
      rows[r].leaf = leaf;
      if (leaf >= 0) is_leaf[leaf] = true;
    }
  }

  // A group label is printed on one of the rows it spans: the first (top
  // aligned) or the middle (vertically centred, w3m). Its span reaches up
  // and down over rows holding no label of its own depth or shallower; two
  // neighbouring groups share the rows between them where the item
  // numbering restarts. The cell then moves to the first row of its span.
  void place_groups(std::vector<RowB> &rows, std::vector<CellB> &cells) const {
    const int n = static_cast<int>(rows.size());
    struct G {
      int cell, lo, hi;
    };
    std::vector<G> groups;
    auto blocks = [&](int r, int g) {
      const CellB &G0 = cells[g];
      for (int c : rows[r].cells) {
        if (c == g) continue;
        const CellB &x = cells[c];
        if (G0.depth > 0 && x.depth > 0) {
          // A row of this level or above, or another group of this level;
          // a shallower group around both does not bound it.
          if (c == rows[r].leaf ? x.depth <= G0.depth : x.depth == G0.depth) return true;
        } else if (x.xs < G0.xe && x.xe > G0.xs) {
          return true;
        } else if (G0.depth == 0 && x.xs <= G0.xs) {
          return true;
        }
      }
      return false;
    };
    for (int r = 0; r < n; ++r)
      for (int c : rows[r].cells) {
        if (c == rows[r].leaf) continue;
        G g{c, r, r};
        while (g.lo > 0 && !blocks(g.lo - 1, c)) --g.lo;
        while (g.hi + 1 < n && !blocks(g.hi + 1, c)) ++g.hi;
        groups.push_back(g);
      }
    auto leaf_number = [&](int r) { return rows[r].leaf >= 0 ? cells[rows[r].leaf].number : 0; };
    for (size_t a = 0; a < groups.size(); ++a)
      for (size_t b = a + 1; b < groups.size(); ++b) {
        G &x = groups[a], &y = groups[b];
        if (cells[x.cell].depth != cells[y.cell].depth || cells[x.cell].row >= cells[y.cell].row || x.hi < y.lo)
          continue;
        const int ax = cells[x.cell].row, ay = cells[y.cell].row;
        int cut = -1;
        for (int r = ax + 1; r <= ay; ++r) {
          const int num = leaf_number(r), before = leaf_number(r - 1);
          if (num > 0 && (num == 1 || (before > 0 && num <= before))) {
            cut = r;
            break;
          }
        }
        if (cut < 0) cut = (ax + ay + 1) / 2;
        x.hi = std::min(x.hi, cut - 1);
        y.lo = std::max(y.lo, cut);
      }
    for (const G &g : groups) {
      const int from = cells[g.cell].row;
      cells[g.cell].rowspan = g.hi - g.lo + 1;
      if (g.lo == from) continue;
      auto &v = rows[from].cells;
      v.erase(std::remove(v.begin(), v.end(), g.cell), v.end());
      rows[g.lo].cells.push_back(g.cell);
    }
    for (RowB &r : rows)
      std::sort(r.cells.begin(), r.cells.end(), [&](int a, int b) {
        if (a == r.leaf) return false;
        if (b == r.leaf) return true;
        return cells[a].xs < cells[b].xs;
      });
  }

  // --- value columns ----------------------------------------------------------

  // Leaf column labels of a header block on one page: words with no header
  // word below them, overlapping ones on different lines stacked into one
  // column (lynx can start a column right where the one before it ends).
  std::vector<Interval> header_leaves(const Section &s, int page, double label_right) const {
    std::vector<std::pair<int, const Word *>> words;  // (order of line, word)
    int order = 0;
    for (int i : s.header) {
      if (lines_[i].page == page)
        for (const Word &w : lines_[i].words) words.push_back({order, &w});
      ++order;
    }
    std::vector<int> leaf;
    for (size_t a = 0; a < words.size(); ++a) {
      bool below = false;
      for (size_t b = 0; b < words.size() && !below; ++b)
        below = words[b].first > words[a].first && overlap(*words[a].second, *words[b].second, m_) > 0;
      if (!below && words[a].second->mid(m_) > label_right) leaf.push_back(static_cast<int>(a));
    }
    std::vector<int> parent(leaf.size());
    std::iota(parent.begin(), parent.end(), 0);
    std::function<int(int)> find = [&](int x) { return parent[x] == x ? x : parent[x] = find(parent[x]); };
    for (size_t a = 0; a < leaf.size(); ++a)
      for (size_t b = a + 1; b < leaf.size(); ++b) {
        const auto &x = words[leaf[a]], &y = words[leaf[b]];
        if (x.first != y.first && x.second->s[m_] < y.second->e[m_] && y.second->s[m_] < x.second->e[m_])
          parent[find(static_cast<int>(a))] = find(static_cast<int>(b));
      }
    std::map<int, Interval> spans;
    for (size_t a = 0; a < leaf.size(); ++a) {
      const Word *w = words[leaf[a]].second;
      auto [it, fresh] = spans.try_emplace(find(static_cast<int>(a)), Interval{double(w->s[m_]), double(w->e[m_])});
      if (!fresh) it->second = {std::min(it->second.s, double(w->s[m_])), std::max(it->second.e, double(w->e[m_]))};
    }
    std::vector<Interval> out;
    for (auto &[k, v] : spans) out.push_back(v);
    std::sort(out.begin(), out.end(), [](const Interval &a, const Interval &b) { return a.s < b.s; });
    // A label above exactly one column, about as wide, widens it (自然 over
    // 人); a wider one is a spanning label that happens to touch one column.
    for (const auto &[o, w] : words) {
      if (w->mid(m_) <= label_right) continue;
      int hit = -1, hits = 0;
      for (size_t k = 0; k < out.size(); ++k)
        if (std::min(double(w->e[m_]), out[k].e) - std::max(double(w->s[m_]), out[k].s) > 0)
          hit = static_cast<int>(k), ++hits;
      if (hits == 1 && w->width(m_) <= out[hit].e - out[hit].s + 2)
        out[hit] = {std::min(out[hit].s, double(w->s[m_])), std::max(out[hit].e, double(w->e[m_]))};
    }
    return out;
  }

  // The spans of the rows' last values on `page` that line up with the
  // rightmost of them (ends within 1 of each other), when two or more do and
  // they are at least half of the rows with values there; empty otherwise.
  std::vector<Interval> aligned_last_values(const std::vector<RowB> &rows, int page) const {
    std::vector<Interval> last;
    for (const RowB &r : rows) {
      if (r.value_line < 0 || lines_[r.value_line].page != page) continue;
      const auto v = values_of(r);
      if (!v.empty()) last.push_back({double(v.back().s[m_]), double(v.back().e[m_])});
    }
    if (last.size() < 2) return {};
    double right = -1e9;
    for (const Interval &iv : last) right = std::max(right, iv.e);
    std::vector<Interval> out;
    for (const Interval &iv : last)
      if (iv.e >= right - 1) out.push_back(iv);
    if (out.size() < 2 || out.size() * 2 < last.size()) return {};
    return out;
  }

  // The value words of a row: the tail of its value line (no copy), or the
  // values of both lines when they were split.
  std::span<const Word> values_of(const RowB &r) const {
    if (r.value_line < 0) return {};
    if (!r.split_values.empty()) return r.split_values;
    const Line &L = lines_[r.value_line];
    return std::span<const Word>(L.words).subspan(L.nlabel());
  }

  // The anchor of a table's values, from the values that lie inside one
  // header leaf: their start, centre and end offsets from it. Centre unless
  // starts (or ends) line up clearly better (at most half a column off on
  // average, and half as far as the centres).
  Anchor value_anchor(const std::vector<RowB> &rows, const std::map<int, std::vector<Interval>> &leaves, int K) const {
    double off[3] = {0, 0, 0};
    int n = 0;
    for (const RowB &r : rows) {
      if (r.value_line < 0) continue;
      const auto it = leaves.find(lines_[r.value_line].page);
      if (it == leaves.end() || static_cast<int>(it->second.size()) != K) continue;
      for (const Word &w : values_of(r)) {
        const Interval v{double(w.s[m_]), double(w.e[m_])};
        const Interval *in = nullptr;
        int hits = 0;
        for (const Interval &e : it->second)
          if (v.s >= e.s && v.e <= e.e) in = &e, ++hits;
        if (hits != 1) continue;
        off[0] += std::fabs(v.s - in->s);
        off[1] += std::fabs(v.mid() - in->mid());
        off[2] += std::fabs(v.e - in->e);
        ++n;
      }
    }
    if (n < 3) return Anchor::centre;
    for (int a : {0, 2})
      if (off[a] / n <= 0.5 && off[a] <= off[1] / 2) return a == 0 ? Anchor::start : Anchor::end;
    return Anchor::centre;
  }

  void assign_values(const Section &s, const std::vector<RowB> &rows, int &K, std::vector<std::vector<int>> &col) {
    // Where the row labels end: over the whole table, and on each page
    // (pdftotext lays every page out on its own scale, see below).
    double label_right = -1e9;
    std::map<int, double> label_right_on;  // page -> right end of its row labels
    int maxv = 0;
    for (int i : s.data) {
      const Line &L = lines_[i];
      if (!L.is_text()) continue;
      if (L.nlabel() > 0) {
        const double e = L.words[L.nlabel() - 1].e[m_];
        label_right = std::max(label_right, e);
        auto [it, fresh] = label_right_on.try_emplace(L.page, e);
        if (!fresh) it->second = std::max(it->second, e);
      }
      maxv = std::max(maxv, L.nvalues);
    }
    const int kfixed = static_cast<int>(fixed_value_columns());
    const int kmax = shape_.max_columns > 0 ? shape_.max_columns : 64;

    // Explicit boundaries: the segments right of the last one holding a label.
    std::vector<Interval> seg;
    if (!segments_.empty()) {
      size_t first_value = 0;
      for (size_t k = 0; k < segments_.size(); ++k)
        for (int i : s.data) {
          const Line &L = lines_[i];
          if (!L.is_text()) continue;
          for (size_t w = 0; w < L.nlabel(); ++w)
            if (L.words[w].s[m_] >= segments_[k].s && L.words[w].s[m_] < segments_[k].e) first_value = k + 1;
        }
      seg.assign(segments_.begin() + static_cast<long>(std::min(first_value, segments_.size())), segments_.end());
    }
    const int segk = static_cast<int>(seg.size());
    const bool use_segments = segk > 0 && (kfixed ? segk == kfixed : (segk >= maxv && segk <= kmax));

    std::map<int, std::vector<Interval>> leaves;  // page -> header leaf columns
    for (int i : s.header) leaves.try_emplace(lines_[i].page, std::vector<Interval>{});
    for (auto &[page, v] : leaves) {
      v = header_leaves(s, page, label_right);
      // pdftotext counts a CJK character as one column whatever its width,
      // so the longest row label can reach a little under the first value
      // column's header. A table whose shape (the hints) fixes its columns takes
      // them from a threshold a CJK cell's slop left of the labels on the
      // header's own page (another page's labels are on another scale) when
      // that gives exactly as many.
      const auto on = label_right_on.find(page);
      if (kfixed > 0 && static_cast<int>(v.size()) < kfixed && on != label_right_on.end()) {
        std::vector<Interval> wider = header_leaves(s, page, on->second - 3);
        if (static_cast<int>(wider.size()) == kfixed) v = std::move(wider);
      }
    }
    int hk = 0;
    for (auto &[page, v] : leaves) hk = std::max(hk, static_cast<int>(v.size()));

    if (use_segments)
      K = segk;
    else if (kfixed)
      K = kfixed;
    else if (hk >= std::max(1, maxv) && hk <= kmax)
      K = hk;
    else
      K = maxv;

    col.assign(rows.size(), {});
    if (K == 0) return;

    using Evidence = std::vector<std::vector<Interval>>;
    std::map<int, Evidence> ev;  // page -> per column
    auto page_of = [&](const RowB &r) { return lines_[r.value_line].page; };
    if (use_segments) {
      Evidence e(K);
      for (int k = 0; k < K; ++k) e[k].push_back(seg[k]);
      for (const RowB &r : rows)
        if (r.value_line >= 0) ev[page_of(r)] = e;
    } else {
      for (const RowB &r : rows) {
        if (r.value_line < 0) continue;
        Evidence &e = ev[page_of(r)];
        e.resize(K);
        const auto v = values_of(r);
        if (static_cast<int>(v.size()) == K)
          for (int k = 0; k < K; ++k) e[k].push_back({double(v[k].s[m_]), double(v[k].e[m_])});
      }
      for (auto &[page, e] : ev) {
        auto it = leaves.find(page);
        if (it != leaves.end() && static_cast<int>(it->second.size()) == K)
          for (int k = 0; k < K; ++k) e[k].push_back(it->second[k]);
      }
      // A page with no evidence of its own borrows the others'.
      Evidence all(K);
      for (auto &[page, e] : ev)
        for (int k = 0; k < K; ++k) all[k].insert(all[k].end(), e[k].begin(), e[k].end());
      if (leaves.size() == 1 && static_cast<int>(leaves.begin()->second.size()) == K)
        for (int k = 0; k < K; ++k) all[k].push_back(leaves.begin()->second[k]);
      for (auto &[page, e] : ev) {
        bool any = false;
        for (auto &c : e) any = any || !c.empty();
        if (any) continue;
        e = all;
        // pdftotext lays out each page on its own scale, so borrowed (or
        // interpolated) positions can be far off. The last column of the
        // official tables is the row total, filled in nearly every row: where
        // the rows' last values on this page line up (two or more, most of
        // them), that is where this page has its last column.
        if (kfixed > 0) {
          if (const auto right = aligned_last_values(rows, page); !right.empty()) e[K - 1] = right;
        }
      }
    }

    const Anchor anchor = use_segments ? Anchor::centre : value_anchor(rows, leaves, K);
    std::vector<Fit> fits(rows.size());
    auto fit_all = [&] {
      std::map<int, Columns> columns;  // per page, from its evidence as it is now
      for (size_t r = 0; r < rows.size(); ++r) {
        if (rows[r].value_line < 0) continue;
        const int page = page_of(rows[r]);
        auto it = columns.find(page);
        if (it == columns.end()) it = columns.emplace(page, columns_of(ev[page], K)).first;
        fits[r] = fit_row(values_of(rows[r]), it->second, K, m_, anchor);
      }
    };
    fit_all();
    if (!use_segments) {
      // Values placed without doubt are evidence for the rest of their page.
      bool added = false;
      for (size_t r = 0; r < rows.size(); ++r) {
        if (rows[r].value_line < 0) continue;
        const auto v = values_of(rows[r]);
        if (static_cast<int>(v.size()) == K) continue;
        bool sure = !v.empty();
        for (size_t i = 0; i < v.size(); ++i) sure = sure && fits[r].column[i] >= 0 && fits[r].margin[i] >= 2;
        if (!sure) continue;
        for (size_t i = 0; i < v.size(); ++i)
          ev[page_of(rows[r])][fits[r].column[i]].push_back({double(v[i].s[m_]), double(v[i].e[m_])});
        added = true;
      }
      if (added) fit_all();
    }
    for (size_t r = 0; r < rows.size(); ++r) {
      if (rows[r].value_line < 0) continue;
      const auto v = values_of(rows[r]);
      col[r] = fits[r].column;
      const int no = lines_[rows[r].value_line].no;
      for (size_t i = 0; i < v.size(); ++i) {
        if (fits[r].column[i] < 0) {
          doc_.diagnose(sdk::Severity::warning, no, "extra-value",
                        "value '" + sdk::to_utf8(v[i].text) + "' fits no column of this table (" + std::to_string(K) +
                            " value columns)");
        } else if (!use_segments && static_cast<int>(v.size()) < K && fits[r].margin[i] < 0.75) {
          doc_.diagnose(sdk::Severity::warning, no, "ambiguous-column",
                        "value '" + sdk::to_utf8(v[i].text) + "' lies between columns; placed in value column " +
                            std::to_string(fits[r].column[i] + 1) + " of " + std::to_string(K),
                        true);
        }
      }
    }
  }

  // --- output -------------------------------------------------------------------

  sdk::Cell make_cell(const std::vector<const Word *> &ws, int first, int last) const {
    sdk::Cell c;
    c.text = join_words(ws);
    c.lines = {first, last};
    return c;
  }

  // Header cells: words stacked over consecutive lines form one cell; rows
  // by nesting depth (a cell under another one goes one row lower).
  void emit_header(const Section &s, sdk::Table &t) const {
    if (s.header.empty()) return;
    struct Stack {
      std::vector<const Word *> words;
      int first = 0, last = 0, last_idx = -1;
      double s = 0, e = 0;
    };
    std::vector<Stack> stacks;
    std::vector<std::vector<int>> stack_of;  // per header line, per word
    for (size_t h = 0; h < s.header.size(); ++h) {
      const Line &L = lines_[s.header[h]];
      stack_of.emplace_back(L.words.size(), -1);
      for (size_t w = 0; w < L.words.size(); ++w) {
        int join = -1;
        if (h > 0) {
          const Line &P = lines_[s.header[h - 1]];
          int hits = 0, k = -1;
          for (size_t a = 0; a < P.words.size(); ++a)
            if (overlap(L.words[w], P.words[a], m_) > 0) ++hits, k = static_cast<int>(a);
          if (hits == 1 && L.words[w].width(m_) <= P.words[k].width(m_) + 1) {
            int back = 0;
            for (const Word &x : L.words) back += overlap(x, P.words[k], m_) > 0 ? 1 : 0;
            if (back == 1) join = stack_of[h - 1][k];
          }
        }
        const Word &W = L.words[w];
        if (join < 0) {
          stacks.push_back(Stack{{}, L.no, L.no, static_cast<int>(h), double(W.s[m_]), double(W.e[m_])});
          join = static_cast<int>(stacks.size()) - 1;
        }
        Stack &st = stacks[join];
        st.words.push_back(&W);
        st.last = L.no;
        st.s = std::min(st.s, double(W.s[m_]));
        st.e = std::max(st.e, double(W.e[m_]));
        stack_of[h][w] = join;
      }
    }
    // Height above the leaves: a stack with nothing under it is a leaf (0),
    // a spanning label sits one above the highest stack under it.
    std::vector<int> height(stacks.size(), -1);
    std::function<int(size_t)> h_of = [&](size_t a) -> int {
      if (height[a] >= 0) return height[a];
      int h = 0;
      for (size_t b = 0; b < stacks.size(); ++b)
        if (b != a && stacks[b].first > stacks[a].last &&
            std::min(stacks[a].e, stacks[b].e) > std::max(stacks[a].s, stacks[b].s))
          h = std::max(h, 1 + h_of(b));
      return height[a] = h;
    };
    int top = 0;
    for (size_t a = 0; a < stacks.size(); ++a) top = std::max(top, h_of(a));
    std::vector<int> level(stacks.size());
    for (size_t a = 0; a < stacks.size(); ++a) level[a] = top - height[a];
    for (int l = 0; l <= top; ++l) {
      std::vector<int> in;
      for (size_t a = 0; a < stacks.size(); ++a)
        if (level[a] == l) in.push_back(static_cast<int>(a));
      if (in.empty()) continue;
      std::sort(in.begin(), in.end(), [&](int a, int b) { return stacks[a].s < stacks[b].s; });
      int first = stacks[in.front()].first, last = stacks[in.front()].last;
      for (int a : in) first = std::min(first, stacks[a].first), last = std::max(last, stacks[a].last);
      sdk::Row &row = t.add_row({first, last});
      for (int a : in) {
        sdk::Cell c = make_cell(stacks[a].words, stacks[a].first, stacks[a].last);
        c.header = true;
        row.cells.push_back(std::move(c));
      }
    }
  }

  void build_section(const Section &s, sdk::Table &t) {
    cur_ = &s;
    cur_fixed_ = fixed_value_columns(s);
    for (int i : s.titles) {
      const Line &L = lines_[i];
      sdk::Row &row = t.add_row({L.no, L.no});
      std::vector<const Word *> ws;
      for (const Word &w : L.words) ws.push_back(&w);
      sdk::Cell c = make_cell(ws, L.no, L.no);
      c.header = true;
      row.cells.push_back(std::move(c));
    }
    emit_header(s, t);

    // A header with no data row under it stays so: whether the table has a
    // blank row without a label there is the template stage's to judge.
    std::vector<RowB> rows = segment_rows(s);
    std::vector<CellB> cells;
    build_cells(rows, cells);
    place_groups(rows, cells);
    int K = 0;
    std::vector<std::vector<int>> col;
    assign_values(s, rows, K, col);

    size_t label_cols = 1;
    for (const RowB &r : rows) label_cols = std::max(label_cols, r.cells.size());
    for (size_t r = 0; r < rows.size(); ++r) {
      const RowB &R = rows[r];
      const int first = lines_[R.lines.front()].no, last = lines_[R.lines.back()].no;
      sdk::Row &row = t.add_row({first, last});
      row.cells.reserve(R.cells.size() + static_cast<size_t>(K));
      for (int c : R.cells) {
        sdk::Cell cell = make_cell(cells[c].words, cells[c].first_line, cells[c].last_line);
        cell.rowspan = cells[c].rowspan;
        row.cells.push_back(std::move(cell));
      }
      const auto v = values_of(R);
      std::vector<sdk::Cell> out(K);
      for (int k = 0; k < K; ++k) {
        out[k].lines = {first, last};
        out[k].column = static_cast<int>(label_cols) + k;
      }
      for (size_t i = 0; i < v.size(); ++i) {
        const int k = col[r].empty() ? -1 : col[r][i];
        if (k < 0) continue;
        const int no = lines_[R.split_lines.empty() ? R.value_line : R.split_lines[i]].no;
        out[k].text = sdk::to_utf8(v[i].text);
        out[k].lines = {no, no};
      }
      for (sdk::Cell &c : out) row.cells.push_back(std::move(c));
    }
    cur_ = nullptr;
  }

  const std::vector<Line> &lines_;
  Region region_;
  int m_;
  sdk::RawDocument &doc_;
  // Text of numbers joined from their wrapped pieces: Word::text views into
  // it (a deque never moves its elements).
  mutable std::deque<std::u32string> joined_;
  const Shapes &shapes_;
  TableShape shape_;
  std::vector<Section> sections_;
  bool blank_mode_ = false;
  std::vector<Interval> segments_;
  int value_left_ = 0;
  const Section *cur_ = nullptr;
  size_t cur_fixed_ = 0;  // fixed_value_columns(*cur_)
};

}  // namespace

void build_table(const std::vector<Line> &lines, const Region &region, int metric, const Shapes &shapes,
                 sdk::RawDocument &doc) {
  TableBuilder(lines, region, metric, shapes, doc).run();
}

}  // namespace docpipe::space_aligned
