// libFuzzer target for the readers of originals, which get the file's bytes
// as they are: the core's kind recognition (core/src/kind), the html reader
// (plugins/html) and the xlsx reader (plugins/xlsx-input). The first byte
// picks which (0 kind, 1 html, 2 xlsx). A reader may refuse an input with
// sdk::Error; anything else (a crash, a sanitizer report, another exception)
// is a finding.
//
// Build and run as input_plugins_fuzz (docs/fuzzing.md), target originals_fuzz;
// good seeds are the corpus originals behind their byte.
#include <cstddef>
#include <cstdint>
#include <docpipe/sdk/plugin.hpp>
#include <docpipe/sdk/raw_document.hpp>
#include <string_view>

#include "kind/kind.hpp"
#include "plugins/html/reader.hpp"
#include "plugins/xlsx-input/reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const std::string_view bytes(reinterpret_cast<const char *>(data) + 1, size - 1);
  try {
    docpipe::sdk::RawDocument doc;
    switch (data[0] % 3) {
      case 0:
        (void)docpipe::kind_name(docpipe::recognise_kind(bytes));
        break;
      case 1:
        (void)docpipe::html::probe(bytes);
        docpipe::html::read(bytes, doc);
        break;
      default:
        (void)docpipe::xlsx_input::probe(bytes);
        docpipe::xlsx_input::read(bytes, doc);
        break;
    }
    (void)doc.to_xml();
  } catch (const docpipe::sdk::Error &) {
    // refused as bad input: the contract
  }
  return 0;
}
