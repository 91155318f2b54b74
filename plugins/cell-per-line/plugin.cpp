#include <docpipe/sdk/plugin.hpp>

#include "reader.hpp"

namespace {

struct CellPerLine {
  static constexpr const char *name = "cell-per-line";
  static constexpr const char *version = "1.0.0";
  static constexpr const char *description =
      "a table cell per line, no row marks (LibreOffice text export, lynx -dump of <p> cells, page text); "
      "rows found with the templates' shape hints";
  static constexpr const char *options = "";
  static double probe(std::string_view text) { return docpipe::cell_per_line::probe(text); }
  static void parse(std::string_view text, const docpipe::sdk::Options &, const docpipe::sdk::ShapeHints &hints,
                    docpipe::sdk::RawDocument &doc) {
    docpipe::cell_per_line::read(text, hints, doc);
  }
};

}  // namespace

DOCPIPE_INPUT_PLUGIN(CellPerLine)
