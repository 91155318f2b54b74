#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <docpipe/sdk/cells.hpp>
#include <docpipe/sdk/labels.hpp>
#include <docpipe/sdk/text.hpp>
#include <vector>

namespace docpipe::sdk {
namespace {

// NFKC as code points. Most labels are NFKC already (ICU's quick check over
// the UTF-8 says so) and are only decoded; the rest are normalised from
// UTF-8 to UTF-8, without a UTF-16 copy.
std::u32string nfkc(std::string_view s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2 *n = icu::Normalizer2::getNFKCInstance(status);
  const icu::StringPiece piece(s.data(), static_cast<int32_t>(s.size()));
  if (U_SUCCESS(status) && !n->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) {
    std::string normal;
    icu::StringByteSink<std::string> sink(&normal, static_cast<int32_t>(s.size()));
    n->normalizeUTF8(0, piece, sink, nullptr, status);
    if (U_SUCCESS(status)) return to_u32(normal);
  }
  return to_u32(s);
}

// Length of an enumerator starting at i ("三、", "(三)", "(3)", "1.", "1、",
// "3)"), or 0: the SDK's cell toolkit reads it.
size_t enumerator_length(const std::u32string &u, size_t i) {
  return sdk::enumerator_at(std::u32string_view(u).substr(i)).length;
}

bool is_punct(char32_t c) {
  const int8_t t = static_cast<int8_t>(u_charType(static_cast<UChar32>(c)));
  return t == U_DASH_PUNCTUATION || t == U_START_PUNCTUATION || t == U_END_PUNCTUATION ||
         t == U_CONNECTOR_PUNCTUATION || t == U_OTHER_PUNCTUATION || t == U_INITIAL_PUNCTUATION ||
         t == U_FINAL_PUNCTUATION;
}

}  // namespace

std::string label_key(std::string_view label) {
  // White space goes first, remembering where words started: PDF extraction
  // also spaces out enumerators ("( 三 ) 不予公开", "1 . 属于").
  // (Written into sized buffers, in place: this runs for every line a
  // reader tries as a label.)
  std::u32string u = nfkc(label);
  std::vector<char> word_start(u.size());
  size_t kept = 0;
  bool after_space = true;
  for (char32_t c : u) {
    if (is_space(c)) {
      after_space = true;
      continue;
    }
    word_start[kept] = after_space;
    u[kept++] = c;
    after_space = false;
  }
  u.resize(kept);
  std::u32string out(u.size(), U'\0');
  size_t written = 0;
  bool strip = true;  // at a word start, or right after an enumerator
  for (size_t i = 0; i < u.size();) {
    if (strip || word_start[i]) {
      if (const size_t n = enumerator_length(u, i); n > 0) {
        i += n;
        strip = true;  // a further enumerator may follow: "三、(一)"
        continue;
      }
    }
    strip = false;
    if (!is_punct(u[i])) out[written++] = u[i];
    ++i;
  }
  out.resize(written);
  return to_utf8(out);
}

}  // namespace docpipe::sdk
