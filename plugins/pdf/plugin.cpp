#include <docpipe/sdk/plugin.hpp>

#include "reader.hpp"

namespace {

struct Pdf {
  static constexpr const char *name = "pdf";
  static constexpr const char *version = "1.0.0";
  static constexpr const char *description =
      "PDF files with a text layer, read directly with MuPDF (glyph positions and ruling lines)";
  static constexpr const char *options = "";
  static constexpr docpipe_input_form input_form = DOCPIPE_INPUT_BYTES;
  static double probe(std::string_view bytes) { return docpipe::pdf::probe(bytes); }
  static void parse(std::string_view bytes, const docpipe::sdk::Options &, docpipe::sdk::RawDocument &doc) {
    docpipe::pdf::read(bytes, doc);
  }
};

}  // namespace

DOCPIPE_INPUT_PLUGIN(Pdf)
