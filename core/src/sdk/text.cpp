// ICU-backed text helpers offered to plugins (see docpipe/sdk/text.hpp).
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <cstring>
#include <docpipe/sdk/cells.hpp>
#include <docpipe/sdk/text.hpp>

namespace docpipe::sdk {

size_t decode_utf8(std::string_view utf8, char32_t *out) {
  // ASCII (spaces, digits) needs no decoding.
  char32_t *p = out;
  const auto *s = reinterpret_cast<const uint8_t *>(utf8.data());
  const int32_t n = static_cast<int32_t>(utf8.size());
  int32_t i = 0;
  while (i < n) {
    if (s[i] < 0x80) {
      // Eight ASCII bytes at a time (the spaces of a laid-out line).
      while (i + 8 <= n) {
        uint64_t word;
        std::memcpy(&word, s + i, 8);
        if ((word & 0x8080808080808080ULL) != 0) break;
        for (int k = 0; k < 8; ++k) p[k] = s[i + k];
        p += 8;
        i += 8;
      }
      if (i >= n) break;
      if (s[i] < 0x80) {
        *p++ = s[i++];
        continue;
      }
    }
    UChar32 c;
    U8_NEXT(s, i, n, c);
    *p++ = c < 0 ? U'\uFFFD' : static_cast<char32_t>(c);
  }
  return static_cast<size_t>(p - out);
}

std::u32string to_u32(std::string_view utf8) {
  // Sized once and written through a pointer: no per-character capacity check.
  std::u32string out(utf8.size(), U'\0');
  out.resize(decode_utf8(utf8, out.data()));
  return out;
}

void append_utf8(std::u32string_view text, std::string &out) {
  // Written in place, as U8_APPEND would: a surrogate or a value beyond
  // U+10FFFF is skipped.
  const size_t old = out.size();
  out.resize(old + text.size() * 4);
  char *p = out.data() + old;
  for (char32_t c : text) {
    const uint32_t u = c;
    if (u <= 0x7f) {
      *p++ = static_cast<char>(u);
    } else if (u <= 0x7ff) {
      *p++ = static_cast<char>((u >> 6) | 0xc0);
      *p++ = static_cast<char>((u & 0x3f) | 0x80);
    } else if (u <= 0xd7ff || (0xe000 <= u && u <= 0xffff)) {
      *p++ = static_cast<char>((u >> 12) | 0xe0);
      *p++ = static_cast<char>(((u >> 6) & 0x3f) | 0x80);
      *p++ = static_cast<char>((u & 0x3f) | 0x80);
    } else if (0xffff < u && u <= 0x10ffff) {
      *p++ = static_cast<char>((u >> 18) | 0xf0);
      *p++ = static_cast<char>(((u >> 12) & 0x3f) | 0x80);
      *p++ = static_cast<char>(((u >> 6) & 0x3f) | 0x80);
      *p++ = static_cast<char>((u & 0x3f) | 0x80);
    }
  }
  out.resize(static_cast<size_t>(p - out.data()));
}

std::string to_utf8(std::u32string_view text) {
  std::string out;
  append_utf8(text, out);
  return out;
}

namespace {

// ICU's answers for the Basic Multilingual Plane, computed once: the widths
// and the white-space property are asked for every character of every line
// of every report, and a table lookup is a few instructions where ICU's
// property trie and East Asian Width lookup are a hundred. Characters beyond
// the BMP (rare here) still go to ICU.
struct BmpTable {
  int8_t width[0x10000];
  bool space[0x10000];
  BmpTable() {
    for (UChar32 c = 0; c < 0x10000; ++c) {
      width[c] = static_cast<int8_t>(icu_width(c));
      space[c] = u_isUWhiteSpace(c) || c == 0xFEFF;
    }
  }
  static int icu_width(UChar32 c) {
    if (c == 0x200B || c == 0x200C || c == 0x200D || c == 0xFEFF) return 0;
    const int8_t cat = static_cast<int8_t>(u_charType(c));
    if (cat == U_NON_SPACING_MARK || cat == U_ENCLOSING_MARK) return 0;
    const int eaw = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
    return (eaw == U_EA_WIDE || eaw == U_EA_FULLWIDTH) ? 2 : 1;
  }
};

// Built when the SDK library is loaded (some 2 ms), so lookups need no
// initialisation guard.
const BmpTable kBmp;
inline const BmpTable &bmp() { return kBmp; }

// For use inside this file: the exported functions may be interposed, so
// calls to them are not inlined.
inline bool space_of(char32_t c) { return c < 0x10000 ? kBmp.space[c] : u_isUWhiteSpace(static_cast<UChar32>(c)); }

}  // namespace

int char_width(char32_t c) {
  if (c < 0x10000) return bmp().width[c];
  return BmpTable::icu_width(static_cast<UChar32>(c));
}

int display_width(std::string_view utf8) {
  const auto *s = reinterpret_cast<const uint8_t *>(utf8.data());
  const int32_t n = static_cast<int32_t>(utf8.size());
  const BmpTable &t = bmp();
  int w = 0;
  for (int32_t i = 0; i < n;) {
    if (s[i] < 0x80) {  // ASCII needs no decoding
      w += t.width[s[i++]];
      continue;
    }
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) c = 0xFFFD;  // as to_u32 decodes it
    w += c < 0x10000 ? t.width[c] : BmpTable::icu_width(c);
  }
  return w;
}

bool is_han(char32_t c) {
  UErrorCode status = U_ZERO_ERROR;
  return uscript_getScript(static_cast<UChar32>(c), &status) == USCRIPT_HAN && U_SUCCESS(status);
}

bool is_cjk_punct(char32_t c) {
  if (c >= 0x3000 && c <= 0x303F && c != 0x3000) return true;  // CJK symbols and punctuation
  if (c >= 0xFF01 && c <= 0xFF0F) return true;                 // full-width ！＂＃…／
  if (c >= 0xFF1A && c <= 0xFF20) return true;                 // ：；＜＝＞？＠
  if (c >= 0xFF3B && c <= 0xFF40) return true;
  if (c >= 0xFF5B && c <= 0xFF65) return true;
  if (c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019) return true;  // curly quotes
  if (c == 0x2014 || c == 0x2026 || c == 0x00B7) return true;                 // — … ·
  return false;
}

bool is_space(char32_t c) {
  if (c < 0x10000) return bmp().space[c];
  return u_isUWhiteSpace(static_cast<UChar32>(c));
}

namespace {
bool ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
}  // namespace

namespace {

// The range trim() keeps: ASCII white space at both ends is dropped without
// decoding; when a non-ASCII character is left at an end, one decoding pass
// (as to_u32 decodes) finds the first and last non-space code points.
struct Trimmed {
  std::string_view bytes;  // the kept bytes
  bool decoded = false;    // the pass ran and trimmed something
  bool invalid = false;    // ... over an ill-formed sequence
  std::string_view inner;  // ... of this text (without outer ASCII space)
  size_t cb = 0, ce = 0;   // ... and the kept code points of to_u32(inner)
};

// The last code point of s[0, n) when it is ASCII or a well-formed sequence
// starting at a lead byte: every forward decoding ends with it (no sequence
// reaches over a byte that is no trail byte). False when the end is
// ill-formed.
bool last_well_formed(const uint8_t *s, int32_t n, UChar32 &c) {
  if (n <= 0) return false;
  if (s[n - 1] < 0x80) {
    c = s[n - 1];
    return true;
  }
  for (int32_t k = 2; k <= 4 && k <= n; ++k) {
    if (s[n - k] >= 0x80 && s[n - k] < 0xC0) continue;  // a trail byte: look further back
    int32_t i = n - k;
    U8_NEXT(s, i, n, c);
    return c >= 0 && i == n;
  }
  return false;
}

Trimmed trim_range(std::string_view utf8) {
  Trimmed t;
  while (!utf8.empty() && ascii_space(utf8.front())) utf8.remove_prefix(1);
  while (!utf8.empty() && ascii_space(utf8.back())) utf8.remove_suffix(1);
  t.bytes = utf8;
  if (utf8.empty() ||
      (static_cast<unsigned char>(utf8.front()) < 0x80 && static_cast<unsigned char>(utf8.back()) < 0x80))
    return t;
  const auto *s = reinterpret_cast<const uint8_t *>(utf8.data());
  const int32_t n = static_cast<int32_t>(utf8.size());
  {
    // Mostly neither end is white space: then only the two end characters
    // are decoded, and nothing is trimmed.
    UChar32 first, last;
    int32_t i = 0;
    U8_NEXT(s, i, n, first);
    if (first < 0) first = 0xFFFD;
    if (!space_of(static_cast<char32_t>(first)) && last_well_formed(s, n, last) &&
        !space_of(static_cast<char32_t>(last)))
      return t;
  }
  int32_t b = -1, e = 0;         // bytes
  size_t cb = 0, ce = 0, k = 0;  // code points
  bool invalid = false;
  for (int32_t i = 0; i < n; ++k) {
    const int32_t at = i;
    UChar32 c;
    if (s[i] < 0x80) {
      c = s[i++];
    } else {
      U8_NEXT(s, i, n, c);
      if (c < 0) c = 0xFFFD, invalid = true;
    }
    if (!space_of(static_cast<char32_t>(c))) {
      if (b < 0) b = at, cb = k;
      e = i, ce = k + 1;
    }
  }
  if (b < 0) {
    t.bytes = utf8.substr(0, 0);
    t.decoded = true;
    return t;
  }
  if (b == 0 && e == n) return t;
  t.bytes = utf8.substr(static_cast<size_t>(b), static_cast<size_t>(e - b));
  t.decoded = true;
  t.invalid = invalid;
  t.inner = utf8;
  t.cb = cb;
  t.ce = ce;
  return t;
}

}  // namespace

std::string trim(std::string_view utf8) {
  const Trimmed t = trim_range(utf8);
  // Trimmed text is re-encoded from its code points: the same bytes unless
  // an ill-formed sequence became U+FFFD.
  if (t.decoded && t.invalid) return to_utf8(std::u32string_view(to_u32(t.inner)).substr(t.cb, t.ce - t.cb));
  return std::string(t.bytes);
}

std::string_view trim_view(std::string_view utf8) { return trim_range(utf8).bytes; }

char32_t first_code_point(std::string_view utf8) {
  if (utf8.empty()) return 0;
  const auto *s = reinterpret_cast<const uint8_t *>(utf8.data());
  if (s[0] < 0x80) return s[0];
  int32_t i = 0;
  UChar32 c;
  U8_NEXT(s, i, static_cast<int32_t>(utf8.size()), c);
  return c < 0 ? U'\uFFFD' : static_cast<char32_t>(c);
}

char32_t last_code_point(std::string_view utf8) {
  if (utf8.empty()) return 0;
  const auto *s = reinterpret_cast<const uint8_t *>(utf8.data());
  const int32_t n = static_cast<int32_t>(utf8.size());
  if (UChar32 c; last_well_formed(s, n, c)) return static_cast<char32_t>(c);
  // Ill-formed at the end: decode as to_u32 does.
  char32_t last = 0;
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    last = c < 0 ? U'\uFFFD' : static_cast<char32_t>(c);
  }
  return last;
}

bool is_blank(std::string_view utf8) {
  const auto *s = reinterpret_cast<const uint8_t *>(utf8.data());
  const int32_t n = static_cast<int32_t>(utf8.size());
  for (int32_t i = 0; i < n;) {
    if (s[i] < 0x80) {
      if (!ascii_space(static_cast<char>(s[i]))) return false;  // a visible ASCII character
      ++i;
      continue;
    }
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0 || !space_of(static_cast<char32_t>(c))) return false;  // U+FFFD is no space
  }
  return true;
}

std::string remove_cjk_spaces(std::string_view utf8) {
  if (utf8.find(' ') == std::string_view::npos) return std::string(utf8);
  const std::u32string u = to_u32(utf8);
  auto cjk = [](char32_t c) { return is_han(c) || is_cjk_punct(c); };
  // The kept runs are encoded straight into the result.
  std::string out;
  out.reserve(utf8.size());
  size_t run = 0;
  for (size_t i = 0; i < u.size(); ++i) {
    if (u[i] == U' ' && i > 0 && i + 1 < u.size() && u[i - 1] != U' ' && u[i + 1] != U' ' && cjk(u[i - 1]) &&
        cjk(u[i + 1])) {
      append_utf8(std::u32string_view(u).substr(run, i - run), out);
      run = i + 1;
    }
  }
  append_utf8(std::u32string_view(u).substr(run), out);
  return out;
}

bool is_numeral_mark(char32_t c) { return c == U'、' || c == U'．' || c == U'.' || c == U'，' || c == U','; }

int numbered_heading_level(std::string_view utf8) {
  // A code point takes at most 4 bytes (an ill-formed sequence decoded as
  // U+FFFD at most 3): more than 160 bytes are more than 40 code points, and
  // a long paragraph is not decoded at all.
  if (utf8.empty() || utf8.size() > 160) return 0;
  char32_t buf[160];
  const std::u32string_view u(buf, decode_utf8(utf8, buf));
  if (u.empty() || u.size() > 40) return 0;
  // The enumerator of the cell toolkit: 一、 is level 1, （一） level 2.
  const Enumerator e = enumerator_at(u);
  return e.length > 0 && (e.level == 1 || e.level == 2) ? e.level : 0;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      if (start < text.size()) lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

size_t invalid_utf8_at(std::string_view bytes) {
  const auto *s = reinterpret_cast<const unsigned char *>(bytes.data());
  const size_t n = bytes.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Unicode 3.9, table 3-7: the ranges of the second byte depend on the first.
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n) return i;
    if (s[i + 1] < lo || s[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k)
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
    i += len;
  }
  return std::string_view::npos;
}

std::string escape_bytes(std::string_view bytes) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  while (!bytes.empty()) {
    const size_t bad = invalid_utf8_at(bytes);
    const std::string_view good = bytes.substr(0, bad);
    for (char ch : good) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '\\') {
        out += "\\\\";
      } else if (c < 0x20 || c == 0x7F) {
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
      } else {
        out += ch;
      }
    }
    if (bad == std::string_view::npos) break;
    const auto c = static_cast<unsigned char>(bytes[bad]);
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 15];
    bytes.remove_prefix(bad + 1);  // the next byte may start a good sequence
  }
  return out;
}

std::optional<std::string> unescape_bytes(std::string_view text) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
    } else if (i + 1 < text.size() && text[i + 1] == '\\') {
      out += '\\';
      ++i;
    } else if (i + 3 < text.size() && text[i + 1] == 'x' && digit(text[i + 2]) >= 0 && digit(text[i + 3]) >= 0) {
      out += static_cast<char>(digit(text[i + 2]) * 16 + digit(text[i + 3]));
      i += 3;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace docpipe::sdk
