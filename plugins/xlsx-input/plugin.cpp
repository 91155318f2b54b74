#include <docpipe/sdk/plugin.hpp>

#include "reader.hpp"

namespace {

struct XlsxInput {
  static constexpr const char *name = "xlsx-input";
  static constexpr const char *version = DOCPIPE_XLSX_INPUT_VERSION;
  static constexpr const char *description =
      "Excel .xlsx workbooks, read directly: a table per sheet region, merged ranges as spans, numbers as shown";
  static constexpr const char *options = "";
  static constexpr docpipe_input_form input_form = DOCPIPE_INPUT_BYTES;  // a ZIP
  static double probe(std::string_view bytes) { return docpipe::xlsx_input::probe(bytes); }
  static void parse(std::string_view bytes, const docpipe::sdk::Options &, docpipe::sdk::RawDocument &doc) {
    docpipe::xlsx_input::read(bytes, doc);
  }
};

}  // namespace

DOCPIPE_INPUT_PLUGIN(XlsxInput)
