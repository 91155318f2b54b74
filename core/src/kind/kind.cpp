#include "kind/kind.hpp"

#include <algorithm>
#include <cstdint>
#include <docpipe/sdk/zip.hpp>
#include <exception>

#include "decode/decode.hpp"

namespace docpipe {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (lower(s[i]) != prefix[i]) return false;
  return true;
}

// The name as an OLE2 directory entry stores it (UTF-16LE, then NUL), or
// also as a property set's dictionary may (in an ANSI code page).
bool holds_name(std::string_view bytes, std::string_view ascii, bool or_ansi) {
  std::string utf16;
  for (char c : ascii) {
    utf16 += c;
    utf16 += '\0';
  }
  if (!or_ansi) utf16.append(2, '\0');  // a stream name ends there
  return bytes.find(utf16) != std::string_view::npos || (or_ansi && bytes.find(ascii) != std::string_view::npos);
}

FileKind ole2_kind(std::string_view bytes) {
  if (holds_name(bytes, "WordDocument", false))
    return holds_name(bytes, "KSOProductBuildVer", true) ? FileKind::wps : FileKind::doc;
  if (holds_name(bytes, "Workbook", false) || holds_name(bytes, "Book", false)) return FileKind::xls;
  return FileKind::ole2;
}

FileKind zip_kind(std::string_view bytes) {
  try {
    sdk::ZipArchive zip(bytes);
    if (zip.has("word/document.xml")) return FileKind::docx;
    if (zip.has("xl/workbook.xml")) return FileKind::xlsx;
  } catch (const std::exception &) {
    // Too damaged to list: still a ZIP, which no text reader may have.
  }
  return FileKind::zip;
}

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// The ASCII view of the start of the text in its encoding: UTF-16 (by BOM or
// NUL pattern) keeps the code units below 0x80, written to `utf16`; UTF-8
// and GB18030 are ASCII where markup is ('<', '>', letters never occur
// inside a GB18030 multi-byte character's trail byte range 0x40-0xFE as '<'
// or '>'), so their view is the bytes themselves, not a copy.
std::string_view ascii_view(std::string_view bytes, size_t limit, std::string &utf16) {
  size_t i = 0;
  int low = 0;  // UTF-16: 2-byte units, ASCII byte at offset `low`
  if (starts_with(bytes, "\xEF\xBB\xBF")) {
    return bytes.substr(3, limit);
  } else if (starts_with(bytes, "\xFF\xFE") || starts_with(bytes, "\xFE\xFF")) {
    low = bytes[0] == '\xFF' ? 0 : 1;
    i = 2;
  } else {
    const size_t n = std::min<size_t>(bytes.size(), 512) & ~size_t{1};
    size_t even = 0, odd = 0;
    for (size_t k = 0; k < n; ++k)
      if (bytes[k] == '\0') (k % 2 == 0 ? even : odd)++;
    if (!(n >= 16 && (odd * 10 >= n / 2 * 3 || even * 10 >= n / 2 * 3))) return bytes.substr(0, limit);
    low = odd >= even ? 0 : 1;
  }
  utf16.clear();
  for (; i + 2 <= bytes.size() && utf16.size() < limit; i += 2) {
    const char hi = bytes[i + static_cast<size_t>(1 - low)];
    const char lo = bytes[i + static_cast<size_t>(low)];
    utf16 += hi == '\0' && static_cast<unsigned char>(lo) < 0x80 ? lo : '\x80';
  }
  return utf16;
}

// Element names that only HTML uses (and that text reports never write
// between angle brackets).
bool html_element(std::string_view name) {
  static constexpr std::string_view names[] = {
      "html",     "head",   "body", "meta", "title", "table",  "tbody", "thead",   "tr",     "td",
      "th",       "p",      "div",  "span", "br",    "font",   "h1",    "h2",      "h3",     "h4",
      "ul",       "ol",     "li",   "a",    "b",     "strong", "style", "script",  "link",   "col",
      "colgroup", "center", "img",  "hr",   "em",    "i",      "u",     "section", "article"};
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

bool looks_like_html(std::string_view bytes) {
  std::string utf16;
  const std::string_view s = ascii_view(bytes, 64 * 1024, utf16);
  // Leading white space, comments and an XML declaration, then the start.
  size_t i = 0;
  while (i < s.size()) {
    if (is_ascii_space(s[i])) {
      ++i;
    } else if (s.compare(i, 4, "<!--") == 0) {
      const size_t end = s.find("-->", i + 4);
      if (end == std::string::npos) return false;
      i = end + 3;
    } else if (s.compare(i, 5, "<?xml") == 0) {
      const size_t end = s.find("?>", i);
      if (end == std::string::npos) return false;
      i = end + 2;
    } else {
      break;
    }
  }
  const std::string_view rest = std::string_view(s).substr(i);
  if (starts_with_nocase(rest, "<!doctype html") || starts_with_nocase(rest, "<html")) return true;
  // Else: a document that is mostly markup, of HTML elements.
  // Three tags need three '<' (text rarely has one): else no need to count.
  size_t opens = 0;
  for (size_t at = s.find('<'); at != std::string_view::npos && opens < 3; at = s.find('<', at + 1)) ++opens;
  if (opens < 3) return false;
  size_t tags = 0, markup = 0, visible = 0;
  for (size_t k = 0; k < s.size();) {
    if (s[k] == '<') {
      size_t j = k + 1;
      if (j < s.size() && s[j] == '/') ++j;
      std::string name;
      while (j < s.size() && name.size() < 10 &&
             ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') || (s[j] >= '0' && s[j] <= '9')))
        name += lower(s[j++]);
      const size_t end = s.find('>', j);
      if (!name.empty() && html_element(name) && end != std::string::npos && end - k < 2048 &&
          (s[j] == '>' || s[j] == '/' || is_ascii_space(s[j]))) {
        ++tags;
        markup += end + 1 - k;
        k = end + 1;
        continue;
      }
    }
    if (!is_ascii_space(s[k])) ++visible;
    ++k;
  }
  return tags >= 3 && markup >= visible;
}

bool has_control_byte(std::string_view bytes) { return control_byte_offset(bytes) != std::string_view::npos; }

// UTF-16 text (BOM or NUL pattern) is text although it holds NUL bytes.
bool utf16_like(std::string_view bytes) {
  if (starts_with(bytes, "\xFF\xFE") || starts_with(bytes, "\xFE\xFF")) return true;
  const size_t n = std::min<size_t>(bytes.size(), 4096) & ~size_t{1};
  if (n < 16 || bytes.size() % 2 != 0) return false;
  size_t even = 0, odd = 0;
  for (size_t k = 0; k < n; ++k)
    if (bytes[k] == '\0') (k % 2 == 0 ? even : odd)++;
  const size_t pairs = n / 2;
  return (odd * 10 >= pairs * 3 && even * 20 < pairs) || (even * 10 >= pairs * 3 && odd * 20 < pairs);
}

bool bmp_header(std::string_view b) {
  if (b.size() < 26 || !starts_with(b, "BM")) return false;
  const uint32_t dib = static_cast<uint8_t>(b[14]) | static_cast<uint8_t>(b[15]) << 8 |
                       static_cast<uint32_t>(static_cast<uint8_t>(b[16])) << 16 |
                       static_cast<uint32_t>(static_cast<uint8_t>(b[17])) << 24;
  return dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124;
}

}  // namespace

FileKind recognise_kind(std::string_view b) {
  // A PDF may carry some bytes before its header (readers look in the first KB).
  if (b.substr(0, 1024).find("%PDF-") != std::string_view::npos) return FileKind::pdf;
  if (starts_with(b, "PK\x03\x04") || starts_with(b, std::string_view("PK\x05\x06", 4))) return zip_kind(b);
  if (starts_with(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) return ole2_kind(b);
  if (starts_with(b, "{\\rtf")) return FileKind::rtf;
  if (starts_with(b, "\x89PNG\r\n\x1A\n")) return FileKind::png;
  if (starts_with(b, "\xFF\xD8\xFF")) return FileKind::jpeg;
  if (starts_with(b, "GIF87a") || starts_with(b, "GIF89a")) return FileKind::gif;
  if (starts_with(b, std::string_view("II*\0", 4)) || starts_with(b, std::string_view("MM\0*", 4)))
    return FileKind::tiff;
  if (bmp_header(b)) return FileKind::bmp;
  if (looks_like_html(b)) return FileKind::html;
  if (has_control_byte(b) && !utf16_like(b)) return FileKind::binary_unknown;
  return FileKind::text;
}

const char *kind_name(FileKind k) {
  switch (k) {
    case FileKind::pdf:
      return "pdf";
    case FileKind::docx:
      return "docx";
    case FileKind::xlsx:
      return "xlsx";
    case FileKind::zip:
      return "zip";
    case FileKind::html:
      return "html";
    case FileKind::doc:
      return "doc";
    case FileKind::wps:
      return "wps";
    case FileKind::xls:
      return "xls";
    case FileKind::ole2:
      return "ole2";
    case FileKind::rtf:
      return "rtf";
    case FileKind::png:
      return "image-png";
    case FileKind::jpeg:
      return "image-jpeg";
    case FileKind::gif:
      return "image-gif";
    case FileKind::tiff:
      return "image-tiff";
    case FileKind::bmp:
      return "image-bmp";
    case FileKind::text:
      return "text";
    case FileKind::binary_unknown:
      return "binary";
  }
  return "binary";
}

const char *kind_description(FileKind k) {
  switch (k) {
    case FileKind::pdf:
      return "PDF document";
    case FileKind::docx:
      return "Word .docx document";
    case FileKind::xlsx:
      return "Excel .xlsx workbook";
    case FileKind::zip:
      return "ZIP archive, not a readable .docx or .xlsx";
    case FileKind::html:
      return "HTML page";
    case FileKind::doc:
      return "legacy Word .doc document";
    case FileKind::wps:
      return "WPS Writer document (legacy Word format)";
    case FileKind::xls:
      return "legacy Excel .xls workbook";
    case FileKind::ole2:
      return "legacy Office (OLE2) file, not Word or Excel";
    case FileKind::rtf:
      return "RTF document";
    case FileKind::png:
      return "PNG image";
    case FileKind::jpeg:
      return "JPEG image";
    case FileKind::gif:
      return "GIF image";
    case FileKind::tiff:
      return "TIFF image";
    case FileKind::bmp:
      return "BMP image";
    case FileKind::text:
      return "text";
    case FileKind::binary_unknown:
      return "binary data of an unknown kind";
  }
  return "";
}

const char *kind_advice(FileKind k) {
  switch (k) {
    case FileKind::pdf:
      return "no input plugin reads PDF here (is the pdf plugin installed? `docpipe formats` lists the plugins)";
    case FileKind::docx:
    case FileKind::xlsx:
    case FileKind::html:
      return "no input plugin reads this kind here (`docpipe formats` lists the plugins)";
    case FileKind::doc:
    case FileKind::wps:
      return "convert it with `soffice --headless --convert-to docx`";
    case FileKind::xls:
      return "convert it with `soffice --headless --convert-to xlsx`";
    case FileKind::rtf:
      return "convert it with `soffice --headless --convert-to docx`";
    case FileKind::ole2:
      return "open it in its program and save it as .docx, .xlsx or PDF";
    case FileKind::zip:
      return "unpack it and convert the reports inside (a .docx or .xlsx cut short or damaged also looks like "
             "this: fetch it again)";
    case FileKind::png:
    case FileKind::jpeg:
    case FileKind::gif:
    case FileKind::tiff:
    case FileKind::bmp:
      return "an image has no text: OCR it first";
    case FileKind::text:
    case FileKind::binary_unknown:
      return "";
  }
  return "";
}

bool is_text_kind(FileKind k) { return k == FileKind::text; }

}  // namespace docpipe
