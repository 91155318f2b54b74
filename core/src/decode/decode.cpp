#include "decode/decode.hpp"

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <docpipe/sdk/charset.hpp>

#include "error.hpp"

namespace docpipe {
namespace {

[[noreturn]] void reject(const std::string &why) { throw Error(ExitCode::bad_input, why); }

// Returns the offset of the first byte that makes this not strict UTF-8, or npos.
size_t invalid_utf8_offset(std::string_view s) {
  const auto *p = reinterpret_cast<const uint8_t *>(s.data());
  const int32_t n = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < n) {
    const int32_t at = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) return static_cast<size_t>(at);
  }
  return std::string_view::npos;
}

// Strict conversion (ICU's STOP callback, never U+FFFD): the SDK's, which
// plugins that read a declared charset use too.
bool convert_strict(const char *charset, std::string_view in, std::string &out) {
  return sdk::convert_strict(charset, in, out);
}

// BOM-less UTF-16: ASCII-range text puts a NUL in every other byte.
const char *utf16_by_nul_pattern(std::string_view s) {
  const size_t n = std::min<size_t>(s.size(), 4096) & ~size_t{1};
  if (n < 16 || s.size() % 2 != 0) return nullptr;
  size_t even_nul = 0, odd_nul = 0;
  for (size_t i = 0; i < n; ++i)
    if (s[i] == '\0') (i % 2 == 0 ? even_nul : odd_nul)++;
  const size_t pairs = n / 2;
  if (odd_nul * 10 >= pairs * 3 && even_nul * 20 < pairs) return "UTF-16LE";
  if (even_nul * 10 >= pairs * 3 && odd_nul * 20 < pairs) return "UTF-16BE";
  return nullptr;
}

// Decoded legacy text must look like Chinese prose. Almost any run of high
// bytes is "valid" GBK/GB18030, so two checks: the double-byte codes of real
// simplified-Chinese text lie overwhelmingly in the GB2312 block (lead and
// trail 0xA1-0xFE), which UTF-8 or Big5 bytes misread as GBK do not; and the
// decoded text holds few private-use, rare-script or symbol code points.
bool plausible_chinese(std::string_view bytes, std::string_view utf8, std::string &why) {
  size_t pairs = 0, gb2312 = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    if (b < 0x81 || b == 0xFF || i + 1 >= bytes.size()) continue;
    const auto t = static_cast<unsigned char>(bytes[i + 1]);
    if (t >= 0x30 && t <= 0x39) {  // a four-byte GB18030 code
      i += 3;
      continue;
    }
    ++pairs;
    gb2312 += b >= 0xA1 && b <= 0xF7 && t >= 0xA1 && t <= 0xFE;
    ++i;
  }
  if (pairs >= 8 && gb2312 * 10 < pairs * 8) {
    why = "only " + std::to_string(gb2312) + " of " + std::to_string(pairs) +
          " double-byte codes are common Chinese characters (another encoding such as Big5?)";
    return false;
  }
  const auto *p = reinterpret_cast<const uint8_t *>(utf8.data());
  const int32_t n = static_cast<int32_t>(utf8.size());
  size_t total = 0, odd = 0;
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    ++total;
    if (c < 0x80 || (c >= 0x4E00 && c <= 0x9FFF)) continue;  // ASCII, CJK unified ideographs
    const bool ok = (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x2000 && c <= 0x206F) ||
                    (c >= 0x00A0 && c <= 0x00FF) || (c >= 0x2460 && c <= 0x24FF) || (c >= 0x2500 && c <= 0x257F) ||
                    (c >= 0x25A0 && c <= 0x26FF) || (c >= 0x2150 && c <= 0x218F) || (c >= 0x0391 && c <= 0x03C9) ||
                    (c >= 0x0410 && c <= 0x044F);
    if (!ok) ++odd;
  }
  if (total > 0 && odd * 50 > total) {
    why = std::to_string(odd) + " of " + std::to_string(total) +
          " characters are private-use, rare-script or symbol code points";
    return false;
  }
  return true;
}

std::string normalise_newlines(std::string_view in, std::string &kind) {
  // Copies the runs between CRs whole (most texts have none at all).
  std::string out;
  out.reserve(in.size());
  size_t crlf = 0, cr = 0, from = 0;
  while (true) {
    const size_t r = in.find('\r', from);
    if (r == std::string_view::npos) {
      out.append(in.data() + from, in.size() - from);
      break;
    }
    out.append(in.data() + from, r - from);
    out += '\n';
    if (r + 1 < in.size() && in[r + 1] == '\n') {
      ++crlf;
      from = r + 2;
    } else {
      ++cr;
      from = r + 1;
    }
  }
  const size_t lf = static_cast<size_t>(std::count(in.begin(), in.end(), '\n')) - crlf;
  const int kinds = (crlf > 0) + (cr > 0) + (lf > 0);
  kind = kinds == 0 ? "none" : kinds > 1 ? "mixed" : crlf ? "crlf" : cr ? "cr" : "lf";
  return out;
}

std::string offset_text(size_t off) { return "byte offset " + std::to_string(off); }

}  // namespace

size_t control_byte_offset(std::string_view s) {
  const auto control = [](unsigned char b) {
    return (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') || b == 0x7f;
  };
  // Eight bytes at a time: a word with no byte below 0x20 and none equal to
  // 0x7F holds no control byte (the word tests of "Bit Twiddling Hacks":
  // exact as tests of "any byte"); only the other words, which text has
  // where a line ends, are looked at byte by byte.
  constexpr uint64_t ones = 0x0101010101010101, highs = 0x8080808080808080;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    const uint64_t del = w ^ (ones * 0x7f);
    if ((((w - ones * 0x20) & ~w) | ((del - ones) & ~del)) & highs)
      for (size_t k = i; k < i + 8; ++k)
        if (control(static_cast<unsigned char>(s[k]))) return k;
  }
  for (; i < s.size(); ++i)
    if (control(static_cast<unsigned char>(s[i]))) return i;
  return std::string_view::npos;
}

DecodedText decode_text(std::string_view bytes) {
  DecodedText d;
  if (bytes.empty()) reject("empty file");

  std::string utf8;
  std::string_view body = bytes;
  const char *utf16 = nullptr;
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    d.bom = true;
    body = bytes.substr(3);
    const size_t bad = invalid_utf8_offset(body);
    if (bad != std::string_view::npos) reject("UTF-8 BOM but invalid UTF-8 at " + offset_text(bad + 3));
    d.encoding = "utf-8";
    d.decision = "UTF-8 byte-order mark; valid UTF-8";
    utf8.assign(body);
  } else if (bytes.size() >= 2 && (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF")) {
    d.bom = true;
    utf16 = bytes[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE";
    body = bytes.substr(2);
    d.decision = std::string(utf16) + " byte-order mark";
  } else if (const char *guess = utf16_by_nul_pattern(bytes)) {
    // Only a guess: taken when the bytes decode strictly to text without
    // control characters, else they go on to the binary check below.
    std::string trial;
    if (convert_strict(guess, bytes, trial) && control_byte_offset(trial) == std::string_view::npos) {
      utf16 = guess;
      d.decision = std::string("no BOM; NUL-byte pattern of ") + utf16;
    }
  }

  if (utf16 != nullptr) {
    if (body.size() % 2 != 0) reject(std::string(utf16) + " text with an odd number of bytes (truncated?)");
    if (!convert_strict(utf16, body, utf8)) reject(std::string("invalid ") + utf16 + " (unpaired surrogate)");
    d.encoding = utf16[6] == 'L' ? "utf-16le" : "utf-16be";
    if (!utf8.empty() && utf8.compare(0, 3, "\xEF\xBB\xBF") == 0) utf8.erase(0, 3);
    const size_t ctl = control_byte_offset(utf8);
    if (ctl != std::string_view::npos) reject("binary data: control character in decoded " + d.encoding + " text");
  } else if (d.encoding.empty()) {
    const size_t ctl = control_byte_offset(bytes);
    if (ctl != std::string_view::npos) {
      char hex[8];
      snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(bytes[ctl]));
      reject(std::string("binary data: control byte ") + hex + " at " + offset_text(ctl));
    }
    const size_t bad = invalid_utf8_offset(bytes);
    if (bad == std::string_view::npos) {
      d.encoding = "utf-8";
      d.decision = "valid UTF-8";
      utf8.assign(bytes);
    } else {
      if (!convert_strict("GB18030", bytes, utf8))
        reject("neither UTF-8 (invalid at " + offset_text(bad) + ") nor GB18030");
      std::string why;
      if (!plausible_chinese(bytes, utf8, why))
        reject("not UTF-8 (invalid at " + offset_text(bad) + "), and as GB18030 it is implausible: " + why);
      d.encoding = "gb18030";
      d.decision = "invalid UTF-8 at " + offset_text(bad) + "; strict GB18030 decodes to plausible Chinese text";
    }
  }
  if (utf8.find('\xEF') != std::string::npos && utf8.compare(0, 3, "\xEF\xBB\xBF") == 0) utf8.erase(0, 3);
  d.text = normalise_newlines(utf8, d.line_endings);
  return d;
}

}  // namespace docpipe
