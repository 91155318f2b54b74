// What the pdf reader takes from a PDF page: its glyphs (one character each,
// with its box) and the straight lines drawn on it. Page coordinates are
// points, origin at the top left, y growing downwards (MuPDF's).
#pragma once

#include <vector>

namespace docpipe::pdf {

struct Glyph {
  char32_t ch = 0;
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // the glyph's box (its quad's bounds)
  float size = 0;                        // font size in points
  float dx = 1, dy = 0;                  // the baseline's direction (1, 0: left to right)
  bool upright() const { return dx > 0.9f; }
  float cx() const { return (x0 + x1) / 2; }
  float cy() const { return (y0 + y1) / 2; }
};

// A horizontal (y0 == y1) or vertical (x0 == x1) line segment: a stroked
// line, the edge of a stroked rectangle, or a thin filled rectangle.
struct Rule {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool horizontal() const { return y0 == y1; }
};

struct Page {
  float width = 0, height = 0;
  std::vector<Glyph> glyphs;  // in the order the page draws them
  std::vector<Rule> rules;
  int images = 0;  // images drawn on the page
};

}  // namespace docpipe::pdf
