// Output plugin `values`: the tidy CSV <stem>.values.csv, one line per
// record of the model in model order, so that thousands of reports
// concatenate into one dataset keyed by (template, table, row, column).
// Every text field is guarded against formula injection like every CSV of
// the project (support/csv.hpp: a leading apostrophe on text that starts
// with = + - @); a number keeps its sign ("-2" stays "-2").
//
// It reads the typed model (docpipe/sdk/model.hpp): in the host's process
// the host's own, otherwise the SDK reads it from the XML (docs/model.md).
#include <charconv>
#include <docpipe/sdk/model.hpp>
#include <docpipe/sdk/plugin.hpp>

#include "support/csv.hpp"
#include "support/model.hpp"

namespace {

using namespace docpipe;
using namespace docpipe::outputs;
namespace sm = docpipe::sdk::model;

constexpr const char *header[] = {"file",  "template", "table", "row",         "column",    "value",
                                  "state", "number",   "unit",  "source_line", "placement", "verdict"};

struct ValuesOutput {
  static constexpr const char *name = "values";
  static constexpr const char *version = "1.0.0";
  static constexpr const char *description =
      "Tidy CSV of the template cells: file,template,table,row,column,value,... (UTF-8 with BOM, CRLF)";
  static constexpr const char *options = "bom,crlf";

  static void write(const sm::Document &model, const sdk::Options &opts, const sdk::OutputTarget &target) {
    check_option_names(opts, {"bom", "crlf"});
    // crlf is checked first, so a run with both options bad names crlf as
    // it always did.
    const bool crlf = bool_option(opts, "crlf", true);
    const bool bom = bool_option(opts, "bom", true);
    CsvWriter csv(bom, crlf, 256 + model.records.size() * 160);
    for (const char *h : header) csv.field(h, false);
    csv.end_row();
    // The file, template and verdict of every line, encoded once: a combined
    // file of thousands of reports can be filtered to the ones to review.
    CsvWriter shared(false, false, 256);
    shared.field(model.metadata.source.name, true);
    shared.field(model.tmpl ? std::string_view(model.tmpl->id) : std::string_view(), true);
    const std::string prefix = shared.take();
    const std::string verdict = CsvWriter::encode(model.verdict.ok ? "ok" : "review", true);
    char line[16];
    for (const sm::Record &r : model.records) {
      csv.encoded(prefix);
      csv.field(r.table, true);
      csv.field(r.row, true);
      csv.field(r.column, true);
      csv.field(r.value, true);
      csv.field(sm::state_name(r.state), true);
      csv.field(r.number, true);
      csv.field(r.unit, true);
      const char *end = r.lines.first > 0 ? std::to_chars(line, line + sizeof line, r.lines.first).ptr : line;
      csv.field(std::string_view(line, static_cast<size_t>(end - line)), true);  // source_line: "" when absent
      csv.field(sm::placement_name(r.placement), true);
      csv.encoded(verdict);
      csv.end_row();
    }
    write_text(target.path_for(".values.csv"), csv.bytes());
  }
};

}  // namespace

DOCPIPE_OUTPUT_PLUGIN(ValuesOutput)
