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
    // Attribute values only: no end-of-line or whitespace normalisation of
    // text, which this output does not read.
    const pugi::xml_node root =
        load_model(doc, model, pugi::parse_minimal | pugi::parse_escapes | pugi::parse_wconv_attribute);
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
    // A record's attributes are read in one pass (looking each one up by name
    // would walk the attribute list nine times per record).
    enum Field { table, row, column, value, state, number, unit, first_line, placement, n_fields };
    static constexpr std::string_view names[n_fields] = {"table",  "row",  "column",     "value",    "state",
                                                         "number", "unit", "first-line", "placement"};
    for (pugi::xml_node rec = root.child("records").child("record"); rec; rec = rec.next_sibling("record")) {
      std::string_view f[n_fields];
      for (pugi::xml_attribute a = rec.first_attribute(); a; a = a.next_attribute()) {
        const std::string_view name = a.name();
        for (int k = 0; k < n_fields; ++k)
          if (name == names[k]) {
            f[k] = a.value();
            break;
          }
      }
      csv.field(file, false);
      csv.field(template_id, false);
      for (std::string_view v : f) csv.field(v, false);
      csv.field(verdict, false);
      csv.end_row();
    }
    write_file(target.path_for(".values.csv"), csv.bytes());
  }
};

}  // namespace

DOCPIPE_OUTPUT_PLUGIN(ValuesOutput)
