// libFuzzer target for the three text input plugins' parsers. The core hands
// them decoded text (valid UTF-8, LF line ends, no BOM), so each input is
// first brought into that form; the first byte picks the parser. A parser may refuse an
// input with sdk::Error (that is its contract for bad input); anything else
// (a crash, a sanitizer report, another exception) is a finding.
//
// Build (clang): cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++
//   -DCMAKE_C_COMPILER=clang -DDOCPIPE_FUZZ=ON && ninja -C build-fuzz input_plugins_fuzz
// Run: build-fuzz/bin/input_plugins_fuzz -max_total_time=600 CORPUS_DIR  (see docs/fuzzing.md)
#include <cstddef>
#include <cstdint>
#include <docpipe/sdk/plugin.hpp>
#include <docpipe/sdk/raw_document.hpp>
#include <string>
#include <string_view>

#include "layout.hpp"
#include "reader.hpp"
#include "templates/hints.hpp"
#include "templates/template.hpp"
#include "tsv_parser.hpp"

namespace {

// The input in the form decode_text guarantees: well-formed UTF-8 (no
// surrogates, overlongs or code points past U+10FFFF), LF line ends, no BOM,
// no NUL. Each byte that breaks it becomes '?' (CR becomes LF), so that
// every mutation is tried rather than skipped.
std::string decoded_form(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = s.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += c == '\r' ? '\n' : c == 0 ? '?' : static_cast<char>(c);
      ++i;
      continue;
    }
    const size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    bool ok = n != 0 && c <= 0xF4 && i + n <= s.size();
    uint32_t cp = c & (0xFF >> (n + 1));
    for (size_t k = 1; ok && k < n; ++k) {
      const unsigned char d = static_cast<unsigned char>(s[i + k]);
      ok = (d & 0xC0) == 0x80;
      cp = (cp << 6) | (d & 0x3F);
    }
    ok = ok && !(n == 3 && cp < 0x800) && !(n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) &&
         !(cp >= 0xD800 && cp <= 0xDFFF);
    if (ok) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

}  // namespace

// An undefined-behaviour report is a finding like any other: stop on it
// even when UBSAN_OPTIONS does not say so.
extern "C" const char *__ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }

// The shape hints the host passes to space-aligned, from the project's templates.
static const docpipe::sdk::ShapeHints &hints() {
  static const docpipe::sdk::ShapeHints h = docpipe::sdk::parse_shape_hints(docpipe::templates::shape_hints_xml(
      docpipe::templates::load_templates(std::string(DOCPIPE_FUZZ_FORMATS_DIR) + "/templates")));
  return h;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const std::string text = decoded_form(std::string_view(reinterpret_cast<const char *>(data) + 1, size - 1));
  docpipe::sdk::RawDocument doc;
  try {
    switch (data[0] % 3) {
      case 0:
        docpipe::tsv::parse(text, doc);
        break;
      case 1:
        docpipe::space_aligned::parse(text, hints(), doc);
        break;
      default:
        docpipe::word_export::read(text, doc);
        break;
    }
    (void)doc.to_xml();  // the model text the core parses next
  } catch (const docpipe::sdk::Error &) {
    // refused with a reason: fine
  }
  return 0;
}
