#include <docpipe/sdk/plugin.hpp>

#include "reader.hpp"

namespace {

struct Html {
  static constexpr const char *name = "html";
  static constexpr const char *version = DOCPIPE_HTML_VERSION;
  static constexpr const char *description =
      "HTML pages (saved sites, Word/WPS/LibreOffice exports): article text and data tables with their spans";
  static constexpr const char *options = "";
  // The page's charset is declared inside it (<meta charset>): the plugin
  // reads the bytes and decodes them itself, strictly, with the SDK's ICU.
  static constexpr docpipe_input_form input_form = DOCPIPE_INPUT_BYTES;
  static double probe(std::string_view bytes) { return docpipe::html::probe(bytes); }
  static void parse(std::string_view bytes, const docpipe::sdk::Options &, docpipe::sdk::RawDocument &doc) {
    docpipe::html::read(bytes, doc);
  }
};

}  // namespace

DOCPIPE_INPUT_PLUGIN(Html)
