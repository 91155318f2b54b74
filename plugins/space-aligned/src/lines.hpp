// Physical lines of a space-aligned text, tokenised into words with their
// positions in both column metrics (code points and display width).
#pragma once

#include <docpipe/sdk/text.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace docpipe::space_aligned {

// Column metric: producers line columns up either by code points
// (pdftotext, lynx) or by display width (w3m, pandoc: CJK counts 2).
enum Metric { kChars = 0, kDisplay = 1 };

struct Word {
  std::u32string_view text;  // into the code points read_lines keeps
  int s[2]{};                // start, per metric
  int e[2]{};                // end (exclusive), per metric
  bool value = false;        // one of the line's trailing values
  // Of label words only (a value is never read as an enumerator):
  int depth = 0;   // enumerator depth (detail::enumerator_depth), 0 = none
  int number = 0;  // enumerator value
  double mid(int m) const { return (s[m] + e[m]) / 2.0; }
  int width(int m) const { return e[m] - s[m]; }
};

// A dash run of a rule line ("-----" of pandoc, "───" of a box frame).
struct Segment {
  int s[2]{};
  int e[2]{};
};

enum class LineKind { blank, rule, text };

struct Line {
  int no = 0;    // 1-based line number of the decoded text
  int page = 0;  // 0-based page (form feeds)
  bool page_start = false;
  bool furniture = false;  // page number / running header: ignored
  LineKind kind = LineKind::blank;
  std::vector<Word> words;
  std::vector<Segment> segments;   // rule lines only
  std::vector<int> bounds[2];      // vertical bars and rule junctions, per metric
  int nvalues = 0;                 // trailing value words
  int chunks = 0;                  // groups of words separated by 2+ spaces
  int indent = 0;                  // code points from the document's left margin to the first word
  int cps = 0;                     // code points from first to last word
  int end_display = 0;             // display column where the text ends
  bool heading_candidate = false;  // "一、…" alone on a line
  bool heading = false;            // decided with context
  std::u32string_view body;        // the line without outer white space (into read_lines' code points)

  // The body as UTF-8, made when asked: most lines of a table never are.
  std::string text() const { return sdk::to_utf8(body); }

  size_t nlabel() const { return words.size() - static_cast<size_t>(nvalues); }
  bool is_text() const { return kind == LineKind::text && !furniture; }
};

// Splits, tokenises and classifies every line; page breaks are form feeds.
// The words' text points into `chars`, which must outlive the lines.
std::vector<Line> read_lines(std::string_view text, std::vector<char32_t> &chars);

}  // namespace docpipe::space_aligned
