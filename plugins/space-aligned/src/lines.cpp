#include "lines.hpp"

#include <algorithm>
#include <docpipe/sdk/cells.hpp>
#include <docpipe/sdk/text.hpp>
#include <map>

#include "layout.hpp"

namespace docpipe::space_aligned {
namespace {

// ASCII (most characters of a space-aligned line) answered inline, the same
// as the SDK answers: ASCII white space is TAB..CR and SPACE, every ASCII
// character is one column wide.
inline bool is_space(char32_t c) { return c < 0x80 ? (c == U' ' || (c >= U'\t' && c <= U'\r')) : sdk::is_space(c); }
inline int char_width(char32_t c) { return c < 0x80 ? 1 : sdk::char_width(c); }

bool is_digit(char32_t c) { return (c >= U'0' && c <= U'9') || (c >= U'０' && c <= U'９'); }
bool is_dash(char32_t c) { return c == U'-' || c == U'=' || c == U'─' || c == U'━' || c == U'═' || c == U'_'; }
bool is_junction(char32_t c) {
  if (c == U'+' || c == U':') return true;
  if (c < 0x2500) return false;
  if (c < 0x2500 || c > 0x257F) return false;  // the rest are box-drawing characters
  return std::u32string_view(U"+┼┬┴├┤┌┐└┘╔╗╚╝╠╣╦╩╬╞╡╪╤╧╟╢╫┏┓┗┛┣┫┳┻╋:").find(c) != std::u32string_view::npos;
}
bool is_vbar(char32_t c) { return c == U'│' || c == U'┃' || c == U'║'; }

}  // namespace

namespace detail {

// A number (with sign, separators, decimals, a unit or %) or a placeholder:
// the SDK's cell toolkit decides, as for every reader and the template stage.
bool is_value_token(std::u32string_view w) {
  if (w.empty()) return false;
  // Every placeholder and number starts with a digit or one of these: most
  // words (labels) are told at their first character, without a parse.
  if (!is_digit(w[0]) && std::u32string_view(U"-—–―－/／Nn不无空\\+−＋×✕…～~*").find(w[0]) == std::u32string_view::npos)
    return false;
  return sdk::is_value(sdk::to_utf8(w));
}

// The enumerator levels of the SDK's cell toolkit: 1 一、 2 （一） 3 1. 4 (1) 5 ①.
int enumerator_depth(std::u32string_view w, int *number) {
  const sdk::Enumerator e = sdk::enumerator_at(w);
  if (e.length == 0) return 0;
  if (number) *number = e.number;
  return e.level;
}

}  // namespace detail

namespace {

// Tokenises one physical line (form feeds and CRs already removed); `pipes`
// is the number of '|' in it.
Line make_line(std::u32string_view u, int no, int page, bool page_start, size_t pipes) {
  Line L;
  L.no = no;
  L.page = page;
  L.page_start = page_start;

  size_t dashes = 0, other = 0;
  size_t j = 0;
  for (; j < u.size() && other == 0; ++j) {
    const char32_t c = u[j];
    if (is_space(c)) continue;
    if (is_dash(c))
      ++dashes;
    else if (c != U'|' && !is_junction(c) && !is_vbar(c))
      ++other;
  }
  const bool pipe_is_bar = pipes >= 2;
  int d = 0;
  if (other == 0 && dashes >= 3) {
    L.kind = LineKind::rule;
    int start = -1, dstart = 0;
    for (size_t i = 0; i <= u.size(); ++i) {
      const char32_t c = i < u.size() ? u[i] : U' ';
      if (i < u.size() && is_dash(c)) {
        if (start < 0) start = static_cast<int>(i), dstart = d;
      } else {
        if (start >= 0) L.segments.push_back(Segment{{start, dstart}, {static_cast<int>(i), d}});
        start = -1;
        if (i < u.size() && (is_junction(c) || is_vbar(c) || c == U'|')) {
          L.bounds[kChars].push_back(static_cast<int>(i));
          L.bounds[kDisplay].push_back(d);
        }
      }
      if (i < u.size()) d += char_width(c);
    }
    return L;
  }

  Word cur;
  bool in_word = false;
  for (size_t i = 0; i <= u.size(); ++i) {
    // A run of spaces between words (most of a laid-out line) only moves
    // the display column.
    if (!in_word)
      while (i < u.size() && u[i] == U' ') ++i, ++d;
    const char32_t c = i < u.size() ? u[i] : U' ';
    const bool bar = i < u.size() && (is_vbar(c) || (c == U'|' && pipe_is_bar));
    if (bar) {
      L.bounds[kChars].push_back(static_cast<int>(i));
      L.bounds[kDisplay].push_back(d);
    }
    if (is_space(c) || bar || c == U'\t') {
      if (in_word) {
        cur.e[kChars] = static_cast<int>(i);
        cur.e[kDisplay] = d;
        cur.text = u.substr(static_cast<size_t>(cur.s[kChars]), i - static_cast<size_t>(cur.s[kChars]));
        L.words.push_back(cur);
        cur = Word{};
        in_word = false;
      }
    } else if (!in_word) {
      cur.s[kChars] = static_cast<int>(i);
      cur.s[kDisplay] = d;
      in_word = true;
    }
    if (i < u.size()) d += c == U'\t' ? 1 : char_width(c);
  }
  if (L.words.empty()) {
    L.kind = L.bounds[kChars].empty() ? LineKind::blank : LineKind::rule;
    return L;
  }
  L.kind = LineKind::text;
  // Values are the tail of a line: a number followed by text is part of a
  // label. So the words are tried as values from the end, up to the first
  // label word, and only label words as enumerators.
  for (auto it = L.words.rbegin(); it != L.words.rend() && detail::is_value_token(it->text); ++it) {
    it->value = true;
    ++L.nvalues;
  }
  for (size_t k = 0; k < L.nlabel(); ++k)
    L.words[k].depth = detail::enumerator_depth(L.words[k].text, &L.words[k].number);
  L.chunks = 1;
  for (size_t i = 1; i < L.words.size(); ++i)
    if (L.words[i].s[kChars] - L.words[i - 1].e[kChars] >= 2) ++L.chunks;
  L.indent = L.words.front().s[kChars];
  L.cps = L.words.back().e[kChars] - L.indent;
  L.end_display = L.words.back().e[kDisplay];
  const std::u32string_view t = u.substr(static_cast<size_t>(L.indent), static_cast<size_t>(L.cps));
  L.body = t;
  const char32_t last = t.back();
  // (Near the margin, too: read_lines checks the indent once the margin is
  // known.) A second enumerator makes it a row label and the group label
  // before it, as lynx prints them: "三、本年度办理结果 （一）予以公开".
  L.heading_candidate = L.words.front().depth == 1 && L.nvalues == 0 && L.chunks == 1 && L.cps <= 40 && last != U'。' &&
                        last != U'；' && last != U'：' && last != U'，' &&
                        // a bare enumerator ("三、" alone, the top of a vertically printed group label) is no heading
                        !(t.size() <= 3 && sdk::is_numeral_mark(last)) &&
                        std::none_of(L.words.begin() + 1, L.words.end(), [](const Word &w) { return w.depth > 0; });
  return L;
}

// Page numbers next to a page break ("- 3 -", "第3页", "3/7"): furniture,
// recognised only when the number fits the page count.
void mark_page_numbers(std::vector<Line> &lines) {
  auto number_of = [](const Line &L) -> int {
    if (L.kind != LineKind::text || L.cps > 12) return -1;
    int v = -1;
    for (const Word &w : L.words) {
      for (char32_t c : w.text) {
        if (c >= U'0' && c <= U'9') {
          if (v >= 100000) return -1;  // no page count is that large (and no overflow)
          v = (v < 0 ? 0 : v * 10) + static_cast<int>(c - U'0');
        } else if (c == U'/') {
          return v;  // "3/7": the page is before the slash
        } else if (std::u32string_view(U"-—–·第页Pagep").find(c) == std::u32string_view::npos) {
          return -1;
        }
      }
    }
    return v;
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].page_start || i == 0) continue;
    const int page = lines[i].page;
    // last text line of the previous page, first of this one
    for (int dir : {-1, +1}) {
      size_t j = dir < 0 ? i - 1 : i;
      while (j < lines.size() && lines[j].kind == LineKind::blank && lines[j].page == (dir < 0 ? page - 1 : page)) {
        if (dir < 0) {
          if (j == 0) break;
          --j;
        } else {
          ++j;
        }
      }
      if (j >= lines.size()) continue;
      const int n = number_of(lines[j]);
      const int on_page = lines[j].page;  // 0-based
      if (n >= 0 && (n == on_page + 1 || n == on_page)) lines[j].furniture = true;
    }
  }
}

// Running headers and footers: the same text first (or last) on two or
// more pages.
void mark_running_lines(std::vector<Line> &lines) {
  std::map<std::string, int> firsts, lasts;
  std::map<int, std::pair<int, int>> ends;  // page -> first, last text line
  for (int i = 0; i < static_cast<int>(lines.size()); ++i) {
    if (lines[i].kind != LineKind::text) continue;
    auto [it, fresh] = ends.try_emplace(lines[i].page, std::make_pair(i, i));
    if (!fresh) it->second.second = i;
  }
  if (ends.size() < 2) return;
  for (auto &[page, fl] : ends) {
    ++firsts[lines[fl.first].text()];
    ++lasts[lines[fl.second].text()];
  }
  for (auto &[page, fl] : ends)
    for (int i : {fl.first, fl.second}) {
      Line &L = lines[i];
      const int n = i == fl.first ? firsts[L.text()] : lasts[L.text()];
      if (n >= 2 && L.cps <= 40 && L.nvalues < static_cast<int>(L.words.size())) L.furniture = true;
    }
}

}  // namespace

std::vector<Line> read_lines(std::string_view text, std::vector<char32_t> &chars) {
  // First every line's code points into one buffer (never reallocated once
  // the words point into it), then the lines are tokenised.
  struct Span {
    size_t from, size;
    int page;
    bool page_start;
    size_t pipes;
  };
  const std::vector<std::string_view> raws = sdk::split_lines(text);
  chars.assign(text.size(), U'\0');
  std::vector<Span> spans;
  spans.reserve(raws.size());
  int page = 0;
  bool next_starts_page = false;
  size_t base = 0;
  for (std::string_view raw : raws) {
    bool page_start = next_starts_page;
    next_starts_page = false;
    // Decoded in place, then CRs dropped and form feeds handled.
    const size_t n = sdk::decode_utf8(raw, chars.data() + base);
    size_t w = base;
    // Most lines hold neither (an ASCII byte of UTF-8 is that character):
    // their code points stay as decoded.
    if (raw.find('\r') == std::string_view::npos && raw.find('\f') == std::string_view::npos) w = base + n;
    for (size_t j = w; j < base + n; ++j) {
      const char32_t c = chars[j];
      if (c == U'\r') continue;
      if (c == U'\f') {
        // A form feed before any text starts this line's page, after text the next line's.
        bool only_space = std::all_of(chars.begin() + static_cast<long>(base), chars.begin() + static_cast<long>(w),
                                      [](char32_t x) { return is_space(x); });
        if (only_space) {
          ++page;
          page_start = true;
          w = base;
        } else {
          next_starts_page = true;
        }
        continue;
      }
      chars[w++] = c;
    }
    // '|' counted in the bytes (memchr): an ASCII byte is that character
    // whatever surrounds it, and neither CRs nor form feeds are pipes.
    size_t pipes = 0;
    for (size_t q = raw.find('|'); q != std::string_view::npos; q = raw.find('|', q + 1)) ++pipes;
    spans.push_back(Span{base, w - base, page, page_start, pipes});
    base = w;
    if (next_starts_page) ++page;
  }
  std::vector<Line> lines;
  lines.reserve(spans.size());
  int no = 0;
  for (const Span &sp : spans)
    lines.push_back(
        make_line(std::u32string_view(chars.data() + sp.from, sp.size), ++no, sp.page, sp.page_start, sp.pipes));
  // Indents count from the document's left margin: lynx -dump, for one,
  // starts every line three columns in.
  int margin = -1;
  for (const Line &L : lines)
    if (L.kind == LineKind::text && (margin < 0 || L.indent < margin)) margin = L.indent;
  for (Line &L : lines) {
    if (L.kind != LineKind::text) continue;
    L.indent -= std::max(margin, 0);
    L.heading_candidate = L.heading_candidate && L.indent <= 6;
  }
  mark_page_numbers(lines);
  mark_running_lines(lines);
  return lines;
}

}  // namespace docpipe::space_aligned
