#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <docpipe/sdk/cells.hpp>
#include <docpipe/sdk/labels.hpp>
#include <docpipe/sdk/text.hpp>
#include <vector>

namespace docpipe::sdk {
namespace {

std::u32string nfkc(std::string_view s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2 *n = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) return to_u32(s);
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  icu::UnicodeString out = n->normalize(in, status);
  if (U_FAILURE(status)) return to_u32(s);
  std::string utf8;
  out.toUTF8String(utf8);
  return to_u32(utf8);
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
  const std::u32string raw = nfkc(label);
  std::u32string u;
  std::vector<bool> word_start;
  u.reserve(raw.size());
  bool after_space = true;
  for (char32_t c : raw) {
    if (is_space(c)) {
      after_space = true;
      continue;
    }
    u.push_back(c);
    word_start.push_back(after_space);
    after_space = false;
  }
  std::u32string out;
  out.reserve(u.size());
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
    if (!is_punct(u[i])) out.push_back(u[i]);
    ++i;
  }
  return to_utf8(out);
}

}  // namespace docpipe::sdk
