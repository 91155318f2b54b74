// Output plugin `csv`: one RFC 4180 file per body table, <stem>.table-N.csv
// (N from 1 in body order), laid out on the table's grid: a merged cell's
// text sits in its top-left grid cell and the cells it covers stay empty.
#include <docpipe/sdk/plugin.hpp>

#include "support/csv.hpp"
#include "support/grid.hpp"
#include "support/model.hpp"
#include "support/scan.hpp"

namespace {

using namespace docpipe;
using namespace docpipe::outputs;

// Where the root's first <body> is in the model bytes, found by scan_model.
struct FirstBody {
  const char *begin = nullptr, *stop = nullptr;
  bool inside = false;
  void start(int depth, std::string_view name) {
    if (depth == 1 && begin == nullptr && name == "body") begin = name.data() - 1, inside = true;
  }
  void attribute(std::string_view, std::string_view) {}
  void end(int depth, const char *after) {
    if (inside && depth == 1) stop = after, inside = false;
  }
};

// The model's <body>, parsed as pugixml parses the whole model. When the
// scan takes the model, pugixml takes it with parse_default too (the scan
// refuses comments, CDATA and the like, where the options make a
// difference), and an element's subtree does not depend on what is around
// it: so only the body is parsed. Anything else takes the whole model through load_model, which
// gives any error.
pugi::xml_node load_body(pugi::xml_document &doc, std::string_view model) {
  FirstBody body;
  if (scan_model(model, body)) {
    if (body.begin == nullptr) return {};
    if (doc.load_buffer(body.begin, static_cast<size_t>(body.stop - body.begin), pugi::parse_default,
                        pugi::encoding_utf8)) {
      return doc.document_element();
    }
  }
  return load_model(doc, model).child("body");
}

struct CsvOutput {
  static constexpr const char *name = "csv";
  static constexpr const char *version = "1.0.0";
  static constexpr const char *description =
      "One CSV file per table (UTF-8 with BOM, CRLF; text guarded against formula injection)";
  static constexpr const char *options = "bom,crlf";

  static void write(std::string_view model, const sdk::Options &opts, const sdk::OutputTarget &target) {
    check_option_names(opts, {"bom", "crlf"});
    const bool bom = bool_option(opts, "bom", true);
    const bool crlf = bool_option(opts, "crlf", true);

    pugi::xml_document doc;
    const pugi::xml_node body = load_body(doc, model);
    int n = 0;
    for (pugi::xml_node table = body.child("table"); table; table = table.next_sibling("table")) {
      const Grid grid = layout_table(table);
      const auto at = grid.anchors_by_position();
      CsvWriter csv(bom, crlf);
      for (int r = 0; r < grid.rows; ++r) {
        for (int c = 0; c < grid.cols; ++c) {
          const GridCell *g = at[static_cast<size_t>(r) * grid.cols + c];
          csv.field(g == nullptr || g->blank() ? std::string_view() : std::string_view(g->text), true);
        }
        csv.end_row();
      }
      write_file(target.path_for(".table-" + std::to_string(++n) + ".csv"), csv.bytes());
    }
  }
};

}  // namespace

DOCPIPE_OUTPUT_PLUGIN(CsvOutput)
