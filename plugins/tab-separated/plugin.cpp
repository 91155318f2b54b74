// The `tab-separated` input plugin: TAB-separated text exports of the annual
// reports (PDF table exporters, pdftotext | sed, LibreOffice Calc "save as
// text"). All the work is in tsv_parser.cpp; this is the ABI entry point.
#include <docpipe/sdk/plugin.hpp>

#include "tsv_parser.hpp"

namespace {

struct TabSeparatedReader {
  static constexpr const char *name = "tab-separated";
  static constexpr const char *version = "1.0.0";
  static constexpr const char *description =
      "TAB-separated text: PDF table exports, pdftotext|sed, spreadsheet TSV/CSV (RFC 4180 quoting)";
  static constexpr const char *options = "";

  static double probe(std::string_view text) { return docpipe::tsv::probe(text); }
  static void parse(std::string_view text, const docpipe::sdk::Options &, docpipe::sdk::RawDocument &doc) {
    docpipe::tsv::parse(text, doc);
  }
};

}  // namespace

DOCPIPE_INPUT_PLUGIN(TabSeparatedReader)
