// A byte scan for the writers' escaping (the SDK's XML writer, the outputs'
// CSV writer): how far a text runs before the first byte that may need an
// escape. Most of what they write is Chinese text with no such byte, and a
// byte at a time was a tenth of a worker's instructions. Header-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace docpipe::sdk {

// A prefix of `s` that holds none of the bytes a, b, c, d and, when
// `controls`, no byte below 0x20: its length. Not always the longest such
// prefix (the tail of `s` shorter than one block is left unscanned), so the
// caller looks at the bytes from there on itself.
inline size_t plain_prefix(std::string_view s, char a, char b, char c, char d, bool controls) {
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c), vd = _mm_set1_epi8(d);
  const __m128i below = _mm_set1_epi8(0x1f);
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i *>(s.data() + i));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)),
                               _mm_or_si128(_mm_cmpeq_epi8(x, vc), _mm_cmpeq_epi8(x, vd)));
    if (controls) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(_mm_min_epu8(x, below), x));  // x <= 0x1f, unsigned
    if (const int mask = _mm_movemask_epi8(hit); mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#else
  // Eight bytes at a time ("Bit Twiddling Hacks": whether a word has a zero byte).
  constexpr uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t v) { return ((v - ones) & ~v & highs) != 0; };
  auto spread = [](char ch) { return ones * static_cast<uint8_t>(ch); };
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    if (has_zero(x ^ spread(a)) || has_zero(x ^ spread(b)) || has_zero(x ^ spread(c)) || has_zero(x ^ spread(d)) ||
        (controls && ((x - ones * 0x20) & ~x & highs) != 0))
      return i;
  }
#endif
  return i;
}

}  // namespace docpipe::sdk
