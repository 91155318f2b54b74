// libFuzzer target for the pdf input plugin. The first byte picks what is
// fuzzed:
//   0: the rest is a PDF file, read whole (MuPDF extraction and layout);
//   1: the rest is a page drawn from scratch: glyphs and rules from the
//      bytes, laid out (the table, cell and paragraph geometry alone, which
//      the first mode reaches only through MuPDF's parser).
// The reader may refuse an input with sdk::Error; anything else (a crash, a
// sanitizer report, another exception) is a finding. MuPDF itself is Debian's
// static library, not instrumented: coverage guides the reader's own code.
//
// Build (clang): cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++
//   -DCMAKE_C_COMPILER=clang -DDOCPIPE_FUZZ=ON && ninja -C build-fuzz pdf_reader_fuzz
// Run: build-fuzz/bin/pdf_reader_fuzz -max_len=400000 -max_total_time=600 CORPUS_DIR SEEDS
// (seeds: the corpus PDFs and tests/plugins/pdf/fixtures, each behind a 0 byte).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <docpipe/sdk/plugin.hpp>
#include <docpipe/sdk/raw_document.hpp>
#include <string_view>
#include <vector>

#include "layout.hpp"
#include "reader.hpp"

namespace {

// Little-endian 16-bit numbers from the bytes, as page positions 0..655.35.
struct Bytes {
  const uint8_t *p;
  size_t n;
  bool more() const { return n >= 2; }
  float pos() {
    if (n < 2) return 0;
    const float v = static_cast<float>(p[0] | (p[1] << 8)) / 100.0f;
    p += 2, n -= 2;
    return v;
  }
  uint8_t byte() {
    if (n < 1) return 0;
    --n;
    return *p++;
  }
};

void draw_page(const uint8_t *data, size_t size) {
  docpipe::pdf::Page page;
  page.width = 595, page.height = 842;
  Bytes b{data, size};
  while (b.more()) {
    const uint8_t op = b.byte();
    if (op % 3 == 0) {  // a rule
      const float x = b.pos(), y = b.pos(), len = b.pos();
      page.rules.push_back(op & 8 ? docpipe::pdf::Rule{x, y, x + len, y} : docpipe::pdf::Rule{x, y, x, y + len});
    } else {  // a glyph
      docpipe::pdf::Glyph g;
      const uint8_t c = b.byte();
      g.ch = op & 4 ? static_cast<char32_t>(0x4E00 + c) : static_cast<char32_t>('0' + c % 75);
      g.x0 = b.pos(), g.y0 = b.pos();
      g.size = 1 + b.byte() % 40;
      g.x1 = g.x0 + g.size * 0.6f, g.y1 = g.y0 + g.size;
      if (op & 16) g.dx = 0, g.dy = op & 32 ? 1 : -1;
      page.glyphs.push_back(g);
    }
  }
  std::vector<docpipe::pdf::Page> pages{page};
  if (size > 0 && (data[0] & 1)) pages.push_back(page);  // the same page twice: tables over a page break
  docpipe::sdk::RawDocument doc;
  docpipe::pdf::lay_out(pages, doc);
  (void)doc.to_xml();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  ++data, --size;
  if (mode == 0) {
    docpipe::sdk::RawDocument doc;
    try {
      docpipe::pdf::read(std::string_view(reinterpret_cast<const char *>(data), size), doc);
      (void)doc.to_xml();
    } catch (const docpipe::sdk::Error &) {
      // refused as bad input: the contract
    }
  } else if (mode == 1) {
    draw_page(data, size);
  }
  return 0;
}
