// A fast path for outputs that need only a few attributes of the model
// (values) or only the proof that it is well-formed (xml): one pass over the
// bytes, building no DOM. It accepts a strict subset of what pugixml accepts,
// with the same elements and attributes: an optional leading <?xml ...?>
// declaration, one root <document> whose first model-version starts with
// "1.", plain elements with ASCII names and quoted attributes, text, and
// whitespace. Anything else (comments, CDATA, DOCTYPE, processing
// instructions, non-ASCII names, NUL bytes, a BOM, top-level text, a bad or
// missing version) makes it return false; the caller then parses with
// pugixml (load_model), which accepts the input or refuses it with its own
// message and offset, so a bad model is reported exactly as before.
#pragma once

#include <array>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace docpipe::outputs {

namespace scan_detail {

// pugixml's name classes restricted to ASCII: 1 = may start a name
// (letters, '_', ':'), 2 = may continue one (also digits, '-', '.');
// 4 = whitespace.
inline constexpr auto char_class = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 'a' + 'A'] = 3;
  for (int c = '0'; c <= '9'; ++c) t[c] = 2;
  t['_'] = t[':'] = 3;
  t['-'] = t['.'] = 2;
  t[' '] = t['\n'] = t['\t'] = t['\r'] = 4;
  return t;
}();

inline bool name_start(char c) { return char_class[static_cast<unsigned char>(c)] & 1; }
inline bool name_char(char c) { return char_class[static_cast<unsigned char>(c)] & 2; }
inline bool space(char c) { return char_class[static_cast<unsigned char>(c)] & 4; }

}  // namespace scan_detail

// Calls h.start(depth, name) for each start tag (depth 0 is the root), then
// h.attribute(name, raw_value) for each of its attributes in order, the
// value as between the quotes (entities and whitespace not converted), and
// h.end(depth, after) when the element is closed, `after` pointing past its
// last '>'. (name.data() - 1 is where the element starts.)
// Returns true when the whole input is in the subset described above.
template <class Handler>
bool scan_model(std::string_view xml, Handler &h) {
  using namespace scan_detail;
  // pugixml stops at a NUL; the checks below may then read as text what it
  // never saw.
  if (xml.empty() || std::memchr(xml.data(), 0, xml.size()) != nullptr) return false;
  // The model must end with the root's '>' and whitespace. Scanning up to
  // that '>' only, the loops over names and whitespace need no bounds
  // checks: the '>' stops them.
  size_t size = xml.size();
  while (size > 0 && space(xml[size - 1])) --size;
  if (size == 0 || xml[size - 1] != '>') return false;
  const char *p = xml.data();
  const char *const end = p + size;
  auto skip_space = [&] {
    while (space(*p)) ++p;
  };
  auto skip_name = [&] {  // unrolled: names are most of the bytes the scan looks at one by one
    ++p;
    while (true) {
      if (!name_char(p[0])) return;
      if (!name_char(p[1])) return void(p += 1);
      if (!name_char(p[2])) return void(p += 2);
      if (!name_char(p[3])) return void(p += 3);
      p += 4;
    }
  };

  skip_space();
  if (end - p >= 6 && std::memcmp(p, "<?xml", 5) == 0 && space(p[5])) {
    const std::string_view rest(p + 6, static_cast<size_t>(end - p - 6));
    const size_t close = rest.find("?>");
    if (close == std::string_view::npos) return false;
    p = rest.data() + close + 2;
    if (p == end) return false;
    skip_space();
  }

  std::vector<std::string_view> open;  // names of the open elements
  open.reserve(16);
  while (true) {
    // At a tag (p < end: the last byte is '>').
    if (*p != '<' || ++p == end) return false;
    if (*p == '/') {
      ++p;
      if (open.empty()) return false;
      const std::string_view name = open.back();
      // (`<=`: the end tag's '>' must follow.)
      if (static_cast<size_t>(end - p) <= name.size() || std::memcmp(p, name.data(), name.size()) != 0) return false;
      p += name.size();
      skip_space();
      if (*p != '>') return false;
      ++p;
      open.pop_back();
      h.end(static_cast<int>(open.size()), p);
    } else {
      if (!name_start(*p)) return false;
      const char *n = p;
      skip_name();
      const std::string_view name(n, static_cast<size_t>(p - n));
      const int depth = static_cast<int>(open.size());
      if (depth == 0 && name != "document") return false;
      h.start(depth, name);
      bool version_seen = false;
      bool empty = false;
      while (true) {
        if (*p == '>') {
          ++p;
          break;
        }
        if (*p == '/') {
          if (p[1] != '>') return false;  // p + 1 < end: *p is not the last '>'
          p += 2;
          empty = true;
          break;
        }
        // An attribute needs whitespace before it (pugixml refuses a="1"b="2").
        if (!space(*p)) return false;
        skip_space();
        if (!name_start(*p)) continue;  // '>', '/' or refused above
        const char *an = p;
        skip_name();
        const std::string_view attr_name(an, static_cast<size_t>(p - an));
        if (*p != '=') {  // whitespace around '=' is rare
          skip_space();
          if (*p != '=') return false;
        }
        ++p;
        if (*p != '"' && *p != '\'') {
          skip_space();
          if (*p != '"' && *p != '\'') return false;
        }
        const char quote = *p++;
        // The last byte is '>', so a quote found is followed by a byte.
        const char *q = static_cast<const char *>(std::memchr(p, quote, static_cast<size_t>(end - p)));
        if (q == nullptr) return false;
        const std::string_view value(p, static_cast<size_t>(q - p));
        p = q + 1;
        if (depth == 0) [[unlikely]] {
          if (!version_seen && attr_name == "model-version") {
            version_seen = true;
            if (value.substr(0, 2) != "1.") return false;
          }
        }
        h.attribute(attr_name, value);
      }
      if (depth == 0 && !version_seen) return false;
      if (empty) {
        h.end(depth, p);
      } else {
        open.push_back(name);
      }
    }
    if (open.empty()) return p == end;  // the root is closed: only whitespace follows
    // Text (anything but NUL, as for pugixml) up to the next tag.
    p = static_cast<const char *>(std::memchr(p, '<', static_cast<size_t>(end - p)));
    if (p == nullptr) return false;
  }
}

// A handler for scan_model that only needs the well-formedness check.
struct ScanNothing {
  void start(int, std::string_view) {}
  void attribute(std::string_view, std::string_view) {}
  void end(int, const char *) {}
};

// Appends `raw`, an attribute value from scan_model, to `out` as pugixml's
// parse_escapes | parse_wconv_attribute gives it: TAB, LF, CR and CR LF each
// become one space; the five named entities and &#N; / &#xH; references of
// U+0001..U+10FFFF are decoded. Returns false for any other '&' (pugixml
// keeps those in ways not worth copying here): the caller falls back.
inline bool decode_attribute(std::string_view raw, std::string &out) {
  static constexpr std::pair<std::string_view, char> named[] = {
      {"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''}};
  for (size_t i = 0; i < raw.size();) {
    const char c = raw[i];
    if (c == '\t' || c == '\n' || c == '\r') {
      out += ' ';
      i += (c == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    if (c != '&') {
      out += c;
      ++i;
      continue;
    }
    const std::string_view rest = raw.substr(i + 1);
    bool done = false;
    for (const auto &[name, ch] : named) {
      if (rest.substr(0, name.size()) == name) {
        out += ch;
        i += 1 + name.size();
        done = true;
        break;
      }
    }
    if (done) continue;
    if (rest.size() < 2 || rest[0] != '#') return false;
    const bool hex = rest[1] == 'x';
    size_t k = hex ? 2 : 1;
    unsigned long code = 0;
    const size_t first = k;
    for (; k < rest.size() && k - first < 8; ++k) {
      const char d = rest[k];
      if (d >= '0' && d <= '9') {
        code = code * (hex ? 16 : 10) + static_cast<unsigned>(d - '0');
      } else if (hex && (d | ' ') >= 'a' && (d | ' ') <= 'f') {
        code = code * 16 + static_cast<unsigned>((d | ' ') - 'a' + 10);
      } else {
        break;
      }
    }
    if (k == first || k >= rest.size() || rest[k] != ';' || code == 0 || code > 0x10FFFF) return false;
    // UTF-8 as pugixml writes it (a surrogate code point too, as 3 bytes).
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
    i += 1 + k + 1;
  }
  return true;
}

}  // namespace docpipe::outputs
