// Output plugin `values`: the tidy CSV <stem>.values.csv, one line per
// <record> of the model in model order, so that thousands of reports
// concatenate into one dataset keyed by (template, table, row, column).
// Values are raw data: never formula-guarded (a consumer that opens this in
// a spreadsheet asked for data, and "-2" or "=" must read back unchanged).
#include <docpipe/sdk/plugin.hpp>

#include "support/csv.hpp"
#include "support/model.hpp"

namespace {

using namespace docpipe;
using namespace docpipe::outputs;

struct ValuesOutput {
  static constexpr const char *name = "values";
  static constexpr const char *version = "1.0.0";
  static constexpr const char *description =
      "Tidy CSV of the template cells: file,template,table,row,column,value,... (UTF-8 with BOM, CRLF)";
  static constexpr const char *options = "bom,crlf";

  static void write(std::string_view model, const sdk::Options &opts, const sdk::OutputTarget &target) {
    check_option_names(opts, {"bom", "crlf"});
    CsvWriter csv(bool_option(opts, "bom", true), bool_option(opts, "crlf", true));

    pugi::xml_document doc;
    const pugi::xml_node root = load_model(doc, model);
    for (const char *h : {"file", "template", "table", "row", "column", "value", "state", "number", "unit",
                          "source_line", "placement", "verdict"}) {
      csv.field(h, false);
    }
    csv.end_row();

    const std::string file = attr(root.child("metadata").child("source"), "name");
    const std::string template_id = attr(root.child("template"), "id");
    // The report's verdict on every line, so a combined file of thousands of
    // reports can be filtered to the ones to review.
    const std::string verdict = attr(root.child("verdict"), "status");
    for (pugi::xml_node rec = root.child("records").child("record"); rec; rec = rec.next_sibling("record")) {
      csv.field(file, false);
      csv.field(template_id, false);
      for (const char *a : {"table", "row", "column", "value", "state", "number", "unit", "first-line", "placement"}) {
        csv.field(rec.attribute(a).as_string(), false);
      }
      csv.field(verdict, false);
      csv.end_row();
    }
    write_file(target.path_for(".values.csv"), csv.bytes());
  }
};

}  // namespace

DOCPIPE_OUTPUT_PLUGIN(ValuesOutput)
