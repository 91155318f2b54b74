#include "layout.hpp"

#include <algorithm>
#include <cmath>
#include <docpipe/sdk/text.hpp>
#include <numeric>
#include <string>

namespace docpipe::pdf {
namespace {

// Positions this close (points) are one rule, one grid line, one column edge.
constexpr float kSnap = 2.5f;
// A boundary between two grid boxes is drawn when rules cover this share of it.
constexpr float kCovered = 0.5f;

// ---------------------------------------------------------------- rules --

// A horizontal rule at y = pos from x = a to b, or a vertical one at x = pos.
struct Seg {
  float pos, a, b;
};

// Rules drawn in pieces, twice, or as the two edges of a thin box become one.
std::vector<Seg> merge_rules(std::vector<Seg> segs) {
  std::sort(segs.begin(), segs.end(), [](const Seg &l, const Seg &r) { return l.pos < r.pos; });
  std::vector<Seg> out;
  for (size_t i = 0; i < segs.size();) {
    size_t j = i + 1;
    while (j < segs.size() && segs[j].pos - segs[j - 1].pos <= 1.5f) ++j;
    float pos = 0;
    for (size_t k = i; k < j; ++k) pos += segs[k].pos;
    pos /= static_cast<float>(j - i);
    std::vector<Seg> run(segs.begin() + static_cast<long>(i), segs.begin() + static_cast<long>(j));
    std::sort(run.begin(), run.end(), [](const Seg &l, const Seg &r) { return l.a < r.a; });
    Seg cur{pos, run[0].a, run[0].b};
    for (size_t k = 1; k < run.size(); ++k) {
      if (run[k].a <= cur.b + kSnap) {
        cur.b = std::max(cur.b, run[k].b);
      } else {
        out.push_back(cur);
        cur = {pos, run[k].a, run[k].b};
      }
    }
    out.push_back(cur);
    i = j;
  }
  return out;
}

struct UnionFind {
  std::vector<size_t> up;
  explicit UnionFind(size_t n) : up(n) { std::iota(up.begin(), up.end(), size_t{0}); }
  size_t find(size_t x) {
    while (up[x] != x) x = up[x] = up[up[x]];
    return x;
  }
  void join(size_t a, size_t b) { up[find(a)] = find(b); }
};

// Sorted positions, each cluster of nearby ones replaced by its mean.
std::vector<float> cluster(std::vector<float> v, float tol) {
  std::sort(v.begin(), v.end());
  std::vector<float> out;
  for (size_t i = 0; i < v.size();) {
    size_t j = i + 1;
    while (j < v.size() && v[j] - v[j - 1] <= tol) ++j;
    out.push_back(std::accumulate(v.begin() + static_cast<long>(i), v.begin() + static_cast<long>(j), 0.0f) /
                  static_cast<float>(j - i));
    i = j;
  }
  return out;
}

// Share of [a, b] that the rules at `pos` cover.
float coverage(const std::vector<Seg> &segs, float pos, float a, float b) {
  if (b <= a) return 0;
  float covered = 0;
  for (const Seg &s : segs)
    if (std::fabs(s.pos - pos) <= kSnap) covered += std::max(0.0f, std::min(b, s.b) - std::max(a, s.a));
  return covered / (b - a);
}

// ---------------------------------------------------------------- text --

bool wide(char32_t c) { return sdk::char_width(c) == 2; }
bool numeric_piece(char32_t c) {
  return (c >= U'0' && c <= U'9') || c == U'.' || c == U',' || c == U'%' || c == U'+' || c == U'-' ||
         (c >= U'０' && c <= U'９') || c == U'．' || c == U'，';
}

struct Line {
  std::vector<const Glyph *> glyphs;  // in reading order
  float x0 = 0, x1 = 0, y0 = 0, y1 = 0, size = 0;
  int number = 0;  // ordinal on the page
  std::u32string text;
};

// Glyphs -> lines: upright glyphs whose vertical centres are close share a
// line (read left to right); rotated glyphs are grouped across their
// direction and read along it.
std::vector<Line> lines_of(std::vector<const Glyph *> gs, bool free_text) {
  std::vector<Line> lines;
  std::vector<const Glyph *> upright, rotated;
  for (const Glyph *g : gs) (g->upright() ? upright : rotated).push_back(g);
  auto group = [&](std::vector<const Glyph *> &v, auto across, auto along) {
    std::sort(v.begin(), v.end(), [&](const Glyph *a, const Glyph *b) { return across(a) < across(b); });
    std::vector<Line> out;
    for (size_t i = 0; i < v.size();) {
      size_t j = i + 1;
      float centre = across(v[i]), n = 1;
      while (j < v.size() && across(v[j]) - centre / n <= 0.45f * std::max(v[j]->size, v[i]->size)) {
        centre += across(v[j]);
        n += 1;
        ++j;
      }
      Line l;
      l.glyphs.assign(v.begin() + static_cast<long>(i), v.begin() + static_cast<long>(j));
      std::sort(l.glyphs.begin(), l.glyphs.end(), [&](const Glyph *a, const Glyph *b) { return along(a) < along(b); });
      out.push_back(std::move(l));
      i = j;
    }
    return out;
  };
  for (Line &l : group(
           upright, [](const Glyph *g) { return g->cy(); }, [](const Glyph *g) { return g->x0; }))
    lines.push_back(std::move(l));
  for (Line &l : group(
           rotated, [](const Glyph *g) { return g->cx() * -g->dy + g->cy() * g->dx; },
           [](const Glyph *g) { return g->cx() * g->dx + g->cy() * g->dy; }))
    lines.push_back(std::move(l));
  for (Line &l : lines) {
    const Glyph *prev = nullptr;
    l.x0 = l.y0 = 1e9f;
    l.x1 = l.y1 = -1e9f;
    std::vector<float> sizes;
    for (const Glyph *g : l.glyphs) {
      // Fake bold: the same glyph drawn twice, a hair apart.
      if (prev != nullptr && prev->ch == g->ch && std::fabs(prev->x0 - g->x0) < 0.3f * g->size &&
          std::fabs(prev->y0 - g->y0) < 0.3f * g->size)
        continue;
      if (prev != nullptr && g->upright()) {
        const float gap = g->x0 - prev->x1, size = std::max(g->size, prev->size);
        const bool both_narrow = !wide(prev->ch) && !wide(g->ch);
        if ((both_narrow && gap > 0.25f * size) || (free_text && gap > 1.0f * size) ||
            (!both_narrow && !wide(prev->ch) != !wide(g->ch) && gap > 1.0f * size))
          l.text.push_back(U' ');
      }
      l.text.push_back(g->ch);
      l.x0 = std::min(l.x0, g->x0), l.x1 = std::max(l.x1, g->x1);
      l.y0 = std::min(l.y0, g->y0), l.y1 = std::max(l.y1, g->y1);
      sizes.push_back(g->size);
      prev = g;
    }
    std::nth_element(sizes.begin(), sizes.begin() + static_cast<long>(sizes.size() / 2), sizes.end());
    l.size = sizes[sizes.size() / 2];
  }
  std::sort(lines.begin(), lines.end(), [](const Line &a, const Line &b) { return a.y0 + a.y1 < b.y0 + b.y1; });
  return lines;
}

// A cell's lines as printed, joined by '\n'; a number that wrapped in a
// narrow cell (every line digits and separators) is joined back.
std::string cell_text(const std::vector<Line> &lines) {
  bool numeric = !lines.empty();
  for (const Line &l : lines)
    for (char32_t c : l.text) numeric &= numeric_piece(c);
  std::u32string out;
  for (const Line &l : lines) {
    if (!out.empty() && !numeric) out.push_back(U'\n');
    out += l.text;
  }
  return sdk::to_utf8(out);
}

// A cell that is one number as printed ("12", "-2", "452.83", "1,234").
bool numeric_text(std::string_view utf8) {
  const std::u32string t = sdk::to_u32(utf8);
  bool digit = false;
  for (char32_t c : t) {
    if (!numeric_piece(c)) return false;
    digit |= (c >= U'0' && c <= U'9') || (c >= U'０' && c <= U'９');
  }
  return digit;
}

// ---------------------------------------------------------------- tables --

// A box of the table: grid rows r0..r1 (inclusive), columns from x0 to x1.
struct Region {
  int r0 = 0, r1 = 0;
  float x0 = 0, x1 = 0, y0 = 0, y1 = 0;
  std::vector<const Glyph *> glyphs;
  std::string text;
  sdk::LineRange lines;
};

// One page's piece of a table.
struct Part {
  int page = 0;
  float left = 0, right = 0, top = 0, bottom = 0;
  int rows = 0;
  std::vector<Region> regions;
};

// The tables of one page: connected rules (at least two across and two down
// that meet) make a grid; neighbouring grid boxes with no rule between them
// are one cell.
std::vector<Part> find_tables(const Page &page, int page_no) {
  std::vector<Seg> hs, vs;
  for (const Rule &r : page.rules)
    (r.horizontal() ? hs : vs).push_back(r.horizontal() ? Seg{r.y0, r.x0, r.x1} : Seg{r.x0, r.y0, r.y1});
  hs = merge_rules(std::move(hs));
  vs = merge_rules(std::move(vs));
  UnionFind uf(hs.size() + vs.size());
  for (size_t i = 0; i < hs.size(); ++i)
    for (size_t j = 0; j < vs.size(); ++j)
      if (vs[j].pos >= hs[i].a - kSnap && vs[j].pos <= hs[i].b + kSnap && hs[i].pos >= vs[j].a - kSnap &&
          hs[i].pos <= vs[j].b + kSnap)
        uf.join(i, hs.size() + j);
  std::vector<Part> parts;
  std::vector<bool> done(hs.size() + vs.size(), false);
  for (size_t root = 0; root < hs.size() + vs.size(); ++root) {
    const size_t id = uf.find(root);
    if (done[id]) continue;
    done[id] = true;
    std::vector<Seg> h, v;
    for (size_t i = 0; i < hs.size(); ++i)
      if (uf.find(i) == id) h.push_back(hs[i]);
    for (size_t j = 0; j < vs.size(); ++j)
      if (uf.find(hs.size() + j) == id) v.push_back(vs[j]);
    if (h.size() < 2 || v.size() < 2) continue;
    std::vector<float> xs, ys;
    for (const Seg &s : v) xs.push_back(s.pos);
    for (const Seg &s : h) ys.push_back(s.pos);
    float left = 1e9f, right = -1e9f, top = 1e9f, bottom = -1e9f;
    for (const Seg &s : h) left = std::min(left, s.a), right = std::max(right, s.b);
    for (const Seg &s : v) top = std::min(top, s.a), bottom = std::max(bottom, s.b);
    xs.push_back(left), xs.push_back(right), ys.push_back(top), ys.push_back(bottom);
    xs = cluster(std::move(xs), kSnap);
    ys = cluster(std::move(ys), kSnap);
    const size_t nc = xs.size() - 1, nr = ys.size() - 1;
    if (nc < 1 || nr < 1) continue;
    UnionFind boxes(nr * nc);
    for (size_t r = 0; r < nr; ++r)
      for (size_t c = 0; c < nc; ++c) {
        if (c + 1 < nc && coverage(v, xs[c + 1], ys[r], ys[r + 1]) < kCovered) boxes.join(r * nc + c, r * nc + c + 1);
        if (r + 1 < nr && coverage(h, ys[r + 1], xs[c], xs[c + 1]) < kCovered) boxes.join(r * nc + c, (r + 1) * nc + c);
      }
    // Each cell is the bounding box of its grid boxes; cells whose boxes
    // overlap (a rule missing in an L shape) are one.
    struct Box {
      size_t r0, r1, c0, c1;
    };
    std::vector<Box> cells;
    bool changed = true;
    while (changed) {
      changed = false;
      std::vector<long> index(nr * nc, -1);
      cells.clear();
      for (size_t k = 0; k < nr * nc; ++k) {
        const size_t rt = boxes.find(k);
        const size_t r = k / nc, c = k % nc;
        if (index[rt] < 0) {
          index[rt] = static_cast<long>(cells.size());
          cells.push_back({r, r, c, c});
        } else {
          Box &b = cells[static_cast<size_t>(index[rt])];
          b.r0 = std::min(b.r0, r), b.r1 = std::max(b.r1, r), b.c0 = std::min(b.c0, c), b.c1 = std::max(b.c1, c);
        }
      }
      for (const Box &b : cells)
        for (size_t r = b.r0; r <= b.r1; ++r)
          for (size_t c = b.c0; c <= b.c1; ++c)
            if (boxes.find(r * nc + c) != boxes.find(b.r0 * nc + b.c0)) {
              boxes.join(r * nc + c, b.r0 * nc + b.c0);
              changed = true;
            }
    }
    if (cells.size() < 2) continue;  // a frame around text is not a table
    Part part;
    part.page = page_no;
    part.left = xs.front(), part.right = xs.back(), part.top = ys.front(), part.bottom = ys.back();
    part.rows = static_cast<int>(nr);
    std::sort(cells.begin(), cells.end(),
              [](const Box &a, const Box &b) { return a.r0 != b.r0 ? a.r0 < b.r0 : a.c0 < b.c0; });
    for (const Box &b : cells) {
      Region reg;
      reg.r0 = static_cast<int>(b.r0), reg.r1 = static_cast<int>(b.r1);
      reg.x0 = xs[b.c0], reg.x1 = xs[b.c1 + 1], reg.y0 = ys[b.r0], reg.y1 = ys[b.r1 + 1];
      part.regions.push_back(std::move(reg));
    }
    parts.push_back(std::move(part));
  }
  std::sort(parts.begin(), parts.end(), [](const Part &a, const Part &b) { return a.top < b.top; });
  return parts;
}

// ------------------------------------------------------ unruled tables --

constexpr float kPieceGap = 1.0f;

// A piece of a printed line: glyphs with no gap wider than the type
// size between them (a column gap is wider), nor digits 0.4 of it apart.
struct Piece {
  std::vector<const Glyph *> glyphs;
  float x0 = 0, x1 = 0;
  bool value = false;  // a number or a placeholder
};

std::vector<Piece> pieces_of(const Line &l) {
  std::vector<Piece> out;
  const Glyph *prev = nullptr;
  for (const Glyph *g : l.glyphs) {
    if (!g->upright()) continue;
    const float gap = prev == nullptr ? 0 : g->x0 - prev->x1,
                size = prev == nullptr ? 0 : std::max(g->size, prev->size);
    // Two numbers in neighbouring narrow columns stand closer than a type
    // size apart, but digits of one number touch.
    const bool digits = prev != nullptr && numeric_piece(prev->ch) && numeric_piece(g->ch);
    if (prev == nullptr || gap > kPieceGap * size || (digits && gap > 0.4f * size)) out.emplace_back();
    Piece &p = out.back();
    if (p.glyphs.empty()) p.x0 = g->x0;
    p.glyphs.push_back(g);
    p.x1 = std::max(p.x1, g->x1);
    prev = g;
  }
  for (Piece &p : out) {
    p.value = true;
    for (const Glyph *g : p.glyphs)
      p.value &= numeric_piece(g->ch) || g->ch == U'/' || g->ch == U'—' || g->ch == U'无' || g->ch == U'×';
  }
  return out;
}

// Tables printed without rules, from the glyphs' positions: a run of lines
// whose pieces after a leading label are numbers (data lines, at least
// three), with the lines of several pieces just above them (the header) and
// the label pieces between them. The value columns are where the data lines'
// numbers stand (their x ranges, overlapping ones merged); every piece of the
// run goes to the columns it overlaps, and a value column with nothing on a
// line is a blank cell. A label piece alone on its line joins the label of
// the nearest data line (a label wrapped over lines). `lines` keeps what is
// not in such a table.
std::vector<Part> unruled_tables(std::vector<Line> &lines, const std::vector<Part> &ruled, int page_no) {
  std::vector<Part> parts;
  std::vector<std::vector<Piece>> pieces;
  std::vector<int> data;  // 1 for a data line
  for (const Line &l : lines) {
    pieces.push_back(pieces_of(l));
    const auto &ps = pieces.back();
    size_t values = 0;
    for (const Piece &p : ps) values += p.value;
    const bool label_first = !ps.empty() && !ps[0].value;
    data.push_back(ps.size() >= 2 && values + (label_first ? 1 : 0) == ps.size() && values >= 1 ? 1 : 0);
  }
  auto between_ruled = [&](size_t a, size_t b) {
    for (const Part &p : ruled)
      if (p.top > lines[a].y1 && p.bottom < lines[b].y0) return true;
    return false;
  };
  std::vector<bool> used(lines.size(), false);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!data[i]) continue;
    // The run of data lines, with at most three other lines between two.
    size_t last = i, n_data = 1;
    for (size_t j = i + 1; j < lines.size() && j <= last + 4; ++j) {
      const float size = std::max(lines[j].size, lines[j - 1].size);
      if (lines[j].y0 - lines[j - 1].y1 > 2.5f * size || between_ruled(j - 1, j)) break;
      if (data[j]) last = j, ++n_data;
    }
    // The header: lines of two or more pieces just above (and the lines of
    // one piece between them).
    size_t first = i;
    for (size_t j = i; j > 0; --j) {
      const float size = std::max(lines[j].size, lines[j - 1].size);
      if (lines[j].y0 - lines[j - 1].y1 > 2.5f * size || between_ruled(j - 1, j) || used[j - 1]) break;
      if (pieces[j - 1].size() >= 2)
        first = j - 1;
      else if (j - 1 == 0 || pieces[j - 2].size() < 2)
        break;
    }
    // Three data lines, or one of four numbers or more under a header (the
    // 复议/诉讼 table's single row).
    if (n_data < 3 && !(first < i && pieces[i].size() >= 4)) continue;
    // Value columns: the data lines' numbers.
    std::vector<std::pair<float, float>> spans;
    float value_left = 1e9f;
    for (size_t j = i; j <= last; ++j)
      if (data[j])
        for (const Piece &p : pieces[j])
          if (p.value) spans.push_back({p.x0, p.x1}), value_left = std::min(value_left, p.x0);
    auto merged = [](std::vector<std::pair<float, float>> v) {
      std::sort(v.begin(), v.end());
      std::vector<std::pair<float, float>> out;
      for (const auto &s : v)
        if (!out.empty() && s.first <= out.back().second + 1.0f)
          out.back().second = std::max(out.back().second, s.second);
        else
          out.push_back(s);
      return out;
    };
    std::vector<std::pair<float, float>> cols = merged(spans);
    // A header piece over at most one of those columns is a column's own
    // label: a column whose cells are all blank has only its label. The
    // header is read from its lowest line up, so that a label over several
    // columns (法人或其他组织) finds them already there.
    const float label_size = lines[i].size;
    for (size_t j = i; j-- > first;) {
      for (const Piece &p : pieces[j]) {
        if (p.x0 < value_left - label_size) continue;
        int over = 0;
        for (const auto &c : cols) over += p.x0 <= c.second && p.x1 >= c.first;
        if (over <= 1) spans.push_back({p.x0, p.x1});
      }
      cols = merged(spans);
    }
    std::vector<float> edges{cols.front().first};
    for (size_t k = 1; k < cols.size(); ++k) edges.push_back((cols[k - 1].second + cols[k].first) / 2);
    edges.push_back(cols.back().second);
    const float size = lines[i].size;
    // The wrapped rest of the last row's label, just below it.
    while (last + 1 < lines.size() && !pieces[last + 1].empty() && pieces[last + 1].back().x1 < edges.front() - 1 &&
           lines[last + 1].y0 - lines[last].y1 <= 0.8f * size && !between_ruled(last, last + 1))
      ++last;
    Part part;
    part.page = page_no;
    part.left = 1e9f, part.right = edges.back(), part.top = lines[first].y0, part.bottom = lines[last].y1;
    int row = -1;
    std::vector<int> row_of(lines.size(), -1);
    for (size_t j = first; j <= last; ++j) {
      const bool label_only = !pieces[j].empty() && pieces[j].back().x1 < edges.front() - 1;
      if (label_only && j > i) continue;  // joined to a data line below
      row_of[j] = ++row;
      std::vector<bool> filled(cols.size(), false);
      for (const Piece &p : pieces[j]) {
        Region reg;
        reg.r0 = reg.r1 = row;
        if (p.x1 < value_left - size / 2) {  // a label: its own extent
          reg.x0 = p.x0, reg.x1 = p.x1;
        } else {
          size_t a = cols.size(), b = 0;
          for (size_t k = 0; k < cols.size(); ++k)
            if (p.x0 <= cols[k].second && p.x1 >= cols[k].first) a = std::min(a, k), b = std::max(b, k);
          if (a == cols.size()) {  // in a gap: the nearest column
            float best = 1e9f;
            for (size_t k = 0; k < cols.size(); ++k) {
              const float d = std::fabs((cols[k].first + cols[k].second) / 2 - (p.x0 + p.x1) / 2);
              if (d < best) best = d, a = b = k;
            }
          }
          if (filled[a]) {  // two pieces in one column: one cell
            for (Region &r : part.regions)
              if (r.r0 == row && r.x0 == edges[a]) r.glyphs.insert(r.glyphs.end(), p.glyphs.begin(), p.glyphs.end());
            continue;
          }
          for (size_t k = a; k <= b; ++k) filled[k] = true;
          reg.x0 = edges[a], reg.x1 = edges[b + 1];
        }
        reg.glyphs = p.glyphs;
        reg.y0 = lines[j].y0, reg.y1 = lines[j].y1;
        part.left = std::min(part.left, reg.x0);
        part.regions.push_back(std::move(reg));
      }
      for (size_t k = 0; k < cols.size(); ++k)
        if (!filled[k]) {
          Region reg;
          reg.r0 = reg.r1 = row;
          reg.x0 = edges[k], reg.x1 = edges[k + 1], reg.y0 = lines[j].y0, reg.y1 = lines[j].y1;
          part.regions.push_back(std::move(reg));
        }
    }
    // Label lines below the header join the label of the nearest data line.
    for (size_t j = i + 1; j <= last; ++j) {
      if (row_of[j] >= 0) continue;
      size_t best = j;
      float d = 1e9f;
      for (size_t k = i; k <= last; ++k)
        if (data[k] && std::fabs(lines[k].y0 - lines[j].y0) < d) d = std::fabs(lines[k].y0 - lines[j].y0), best = k;
      Region *label = nullptr;
      for (Region &r : part.regions)
        if (r.r0 == row_of[best] && r.x1 < value_left - size / 2 && !r.glyphs.empty() &&
            (label == nullptr || r.x1 > label->x1))
          label = &r;
      for (const Piece &p : pieces[j]) {
        if (label != nullptr) {
          label->glyphs.insert(label->glyphs.end(), p.glyphs.begin(), p.glyphs.end());
        } else {
          Region reg;
          reg.r0 = reg.r1 = row_of[best];
          reg.x0 = p.x0, reg.x1 = p.x1, reg.y0 = lines[j].y0, reg.y1 = lines[j].y1;
          reg.glyphs = p.glyphs;
          part.regions.push_back(std::move(reg));
        }
      }
    }
    std::sort(part.regions.begin(), part.regions.end(),
              [](const Region &a, const Region &b) { return a.r0 != b.r0 ? a.r0 < b.r0 : a.x0 < b.x0; });
    part.rows = row + 1;
    for (size_t j = first; j <= last; ++j) used[j] = true;
    parts.push_back(std::move(part));
    i = last;
  }
  std::vector<Line> rest;
  for (size_t j = 0; j < lines.size(); ++j)
    if (!used[j]) rest.push_back(std::move(lines[j]));
  lines = std::move(rest);
  return parts;
}

// ---------------------------------------------------------------- pages --

// Page numbers ("- 2 -", "第2页", "2/5") at the top or bottom of a page.
bool page_number(const Line &l, float page_height) {
  if (l.y0 > 0.12f * page_height && l.y1 < 0.88f * page_height) return false;
  std::u32string t;
  for (char32_t c : l.text)
    if (!sdk::is_space(c)) t.push_back(c);
  size_t i = 0, digits = 0;
  auto dashes = [&] {
    while (i < t.size() && (t[i] == U'-' || t[i] == U'–' || t[i] == U'—' || t[i] == U'－')) ++i;
  };
  auto number = [&] {
    const size_t from = i;
    while (i < t.size() && t[i] >= U'0' && t[i] <= U'9') ++i;
    digits += i - from;
    return i > from;
  };
  if (t.empty()) return false;
  if (t[0] == U'第') {
    ++i;
    if (!number() || i >= t.size() || t[i] != U'页') return false;
    ++i;
    if (i < t.size() && t[i] == U'，') ++i;
    if (i < t.size() && t[i] == U'共') {
      ++i;
      if (!number() || i >= t.size() || t[i] != U'页') return false;
      ++i;
    }
    return i == t.size();
  }
  dashes();
  if (!number()) return false;
  if (i < t.size() && t[i] == U'/') {
    ++i;
    if (!number()) return false;
  }
  dashes();
  return i == t.size() && digits <= 4;
}

struct Item {
  bool table = false;
  Part part;  // table
  Line line;  // text
  int page = 0;
  float top = 0;
};

class Builder {
 public:
  explicit Builder(sdk::RawDocument &doc) : doc_(doc) {}

  void page(const Page &page, int page_no) {
    std::vector<Part> parts = find_tables(page, page_no);
    std::vector<const Glyph *> free;
    // Line ordinals of the page, from every upright glyph's centre.
    std::vector<const Glyph *> all;
    for (const Glyph &g : page.glyphs) all.push_back(&g);
    std::vector<Line> page_lines = lines_of(all, true);
    std::vector<float> centres;
    for (const Line &l : page_lines) centres.push_back((l.y0 + l.y1) / 2);
    auto ordinal = [&](float y) {
      const long n = std::upper_bound(centres.begin(), centres.end(), y) - centres.begin();
      return page_no * kLinesPerPage + static_cast<int>(std::clamp<long>(n, 1, kLinesPerPage - 1));
    };
    for (const Glyph &g : page.glyphs) {
      Region *home = nullptr;
      for (Part &p : parts) {
        if (g.cx() < p.left || g.cx() > p.right || g.cy() < p.top || g.cy() > p.bottom) continue;
        for (Region &r : p.regions)
          if (g.cx() >= r.x0 && g.cx() <= r.x1 && g.cy() >= r.y0 && g.cy() <= r.y1) {
            home = &r;
            break;
          }
        if (home != nullptr) break;
      }
      if (home != nullptr)
        home->glyphs.push_back(&g);
      else
        free.push_back(&g);
    }
    std::vector<Line> free_lines;
    for (Line &l : lines_of(free, true))
      if (!page_number(l, page.height)) free_lines.push_back(std::move(l));
    for (Part &p : unruled_tables(free_lines, parts, page_no)) {
      doc_.diagnose(sdk::Severity::warning, ordinal(p.top), "table-without-rules",
                    "a table printed without ruling lines was read from the glyphs' positions: its columns are "
                    "where its numbers and header labels stand");
      parts.push_back(std::move(p));
    }
    for (Part &p : parts)
      for (Region &r : p.regions) {
        const std::vector<Line> lines = lines_of(r.glyphs, false);
        r.text = cell_text(lines);
        if (lines.empty()) {
          r.lines = {ordinal(r.y0), ordinal(r.y0)};
        } else {
          r.lines = {ordinal((lines.front().y0 + lines.front().y1) / 2),
                     ordinal((lines.back().y0 + lines.back().y1) / 2)};
          for (const Line &l : lines) {
            const int n = ordinal((l.y0 + l.y1) / 2);
            r.lines.first = std::min(r.lines.first, n), r.lines.last = std::max(r.lines.last, n);
          }
        }
      }
    std::vector<Item> items;
    for (Part &p : parts) {
      Item it;
      it.table = true;
      it.page = page_no;
      it.top = p.top;
      it.part = std::move(p);
      items.push_back(std::move(it));
    }
    for (Line &l : free_lines) {
      l.number = ordinal((l.y0 + l.y1) / 2);
      Item it;
      it.page = page_no;
      it.top = (l.y0 + l.y1) / 2;
      it.line = std::move(l);
      items.push_back(std::move(it));
    }
    std::stable_sort(items.begin(), items.end(), [](const Item &a, const Item &b) { return a.top < b.top; });
    for (Item &it : items) {
      if (it.table)
        add_part(std::move(it.part));
      else
        text_.push_back(std::move(it.line)), order_.push_back({false, text_.size() - 1});
    }
  }

  void finish() {
    // Body text metrics: the commonest size, the text's left and right edges.
    std::vector<float> sizes;
    float left = 1e9f, right = -1e9f;
    for (const Line &l : text_) {
      sizes.push_back(std::round(l.size * 2) / 2);
      left = std::min(left, l.x0), right = std::max(right, l.x1);
    }
    std::sort(sizes.begin(), sizes.end());
    float body = sizes.empty() ? 12 : sizes[0];
    size_t best = 0;
    for (size_t i = 0; i < sizes.size();) {
      size_t j = i;
      while (j < sizes.size() && sizes[j] == sizes[i]) ++j;
      if (j - i > best) best = j - i, body = sizes[i];
      i = j;
    }
    const float mid = (left + right) / 2;
    std::vector<size_t> para;  // lines of the paragraph being built
    auto flush = [&] {
      if (para.empty()) return;
      std::u32string text;
      for (size_t k : para) {
        const std::u32string &t = text_[k].text;
        if (!text.empty() && !t.empty() && !wide(text.back()) && !wide(t.front())) text.push_back(U' ');
        text += t;
      }
      const Line &first = text_[para.front()];
      const sdk::LineRange where{first.number, text_[para.back()].number};
      const std::string utf8 = sdk::to_utf8(text);
      int level = 0;
      if (first.size >= 1.15f * body)
        level = 1;
      else if (para.size() == 1)
        level = sdk::numbered_heading_level(utf8);
      if (level > 0)
        doc_.add_heading(utf8, level, where);
      else
        doc_.add_paragraph(utf8, where);
      para.clear();
    };
    for (const auto &[table, index] : order_) {
      if (table) {
        flush();
        emit(tables_[index]);
        continue;
      }
      const Line &l = text_[index];
      if (!para.empty()) {
        const Line &p = text_[para.back()];
        const float size = std::max(l.size, p.size);
        const bool same_size = std::fabs(l.size - p.size) <= 0.1f * size;
        const bool close = l.y0 - p.y1 < 0.9f * size && l.y0 > p.y0;
        const bool wrapped = p.x1 >= right - 1.5f * size && l.x0 <= left + 0.8f * size;
        const bool centred = std::fabs((l.x0 + l.x1) / 2 - mid) < 2 * size &&
                             std::fabs((p.x0 + p.x1) / 2 - mid) < 2 * size && size >= 1.1f * body;
        if (!(same_size && close && (wrapped || centred))) flush();
      }
      para.push_back(index);
    }
    flush();
  }

 private:
  // A table at the top of a page whose edges are those of the table that
  // ended the page before continues it.
  void add_part(Part part) {
    if (!order_.empty() && order_.back().first) {
      std::vector<Part> &t = tables_[order_.back().second];
      const Part &prev = t.back();
      if (prev.page + 1 == part.page && std::fabs(prev.left - part.left) <= 2 * kSnap &&
          std::fabs(prev.right - part.right) <= 2 * kSnap && last_page_ == part.page - 1) {
        t.push_back(std::move(part));
        last_page_ = t.back().page;
        return;
      }
    }
    tables_.push_back({std::move(part)});
    order_.push_back({true, tables_.size() - 1});
    last_page_ = tables_.back().back().page;
  }

  void emit(const std::vector<Part> &parts) {
    // Columns: the cell edges of the rows that hold numbers (nearby edges as
    // one), so that a number's cell spans one column. A header whose rules
    // do not line up with those (a top row divided inside a column below it,
    // as HTML layouts print them) has its edges put on the nearest column
    // edge. A table without numbers keeps every edge.
    std::vector<float> edges, all;
    for (const Part &p : parts) {
      std::vector<bool> numbers(static_cast<size_t>(p.rows), false);
      for (const Region &r : p.regions)
        if (!r.text.empty() && numeric_text(r.text)) numbers[static_cast<size_t>(r.r0)] = true;
      for (const Region &r : p.regions) {
        all.push_back(r.x0), all.push_back(r.x1);
        if (numbers[static_cast<size_t>(r.r0)]) edges.push_back(r.x0), edges.push_back(r.x1);
      }
    }
    const std::vector<float> cols = cluster(edges.empty() ? std::move(all) : std::move(edges), kSnap);
    auto column = [&](float x) {
      size_t best = 0;
      for (size_t i = 1; i < cols.size(); ++i)
        if (std::fabs(cols[i] - x) < std::fabs(cols[best] - x)) best = i;
      return static_cast<int>(best);
    };
    sdk::Table *table = nullptr;
    for (const Part &p : parts) {
      // Grid rows where some cell starts; a row where none does is not printed.
      std::vector<int> starts(static_cast<size_t>(p.rows), 0);
      for (const Region &r : p.regions) starts[static_cast<size_t>(r.r0)] = 1;
      std::vector<int> emitted(static_cast<size_t>(p.rows) + 1, 0);
      for (int r = 0; r < p.rows; ++r)
        emitted[static_cast<size_t>(r) + 1] = emitted[static_cast<size_t>(r)] + starts[static_cast<size_t>(r)];
      for (int r = 0; r < p.rows; ++r) {
        if (!starts[static_cast<size_t>(r)]) continue;
        std::vector<const Region *> here;
        for (const Region &reg : p.regions)
          if (reg.r0 <= r && reg.r1 >= r) here.push_back(&reg);
        std::sort(here.begin(), here.end(), [](const Region *a, const Region *b) { return a->x0 < b->x0; });
        // A row's lines are those of its text; a blank cell takes its row's.
        sdk::LineRange rows_lines{0, 0};
        for (int pass = 0; pass < 2 && rows_lines.first == 0; ++pass)
          for (const Region *reg : here) {
            if (reg->r0 != r || (pass == 0 && reg->text.empty())) continue;
            if (rows_lines.first == 0 || reg->lines.first < rows_lines.first) rows_lines.first = reg->lines.first;
            rows_lines.last = std::max(rows_lines.last, reg->lines.last);
          }
        if (table == nullptr) table = &doc_.add_table(rows_lines);
        sdk::Row &row = table->add_row(rows_lines);
        for (const Region *reg : here) {
          const int c0 = column(reg->x0), c1 = column(reg->x1);
          const bool starts_here = reg->r0 == r;
          sdk::Cell &cell = row.add_cell(starts_here ? reg->text : std::string(),
                                         starts_here && !reg->text.empty() ? reg->lines : rows_lines);
          cell.colspan = std::max(1, c1 - c0);
          cell.column = c0;
          if (starts_here)
            cell.rowspan = std::max(1, emitted[static_cast<size_t>(reg->r1) + 1] - emitted[static_cast<size_t>(r)]);
        }
        table->lines.first = std::min(table->lines.first, rows_lines.first);
        table->lines.last = std::max(table->lines.last, rows_lines.last);
      }
    }
  }

  sdk::RawDocument &doc_;
  std::vector<Line> text_;
  std::vector<std::vector<Part>> tables_;
  std::vector<std::pair<bool, size_t>> order_;  // (is a table, index) in reading order
  int last_page_ = 0;
};

}  // namespace

void lay_out(const std::vector<Page> &pages, sdk::RawDocument &doc) {
  Builder b(doc);
  for (size_t i = 0; i < pages.size(); ++i) b.page(pages[i], static_cast<int>(i) + 1);
  b.finish();
}

}  // namespace docpipe::pdf
