// Output plugin `csv`: one RFC 4180 file per body table, <stem>.table-N.csv
// (N from 1 in body order), laid out on the table's grid: a merged cell's
// text sits in its top-left grid cell and the cells it covers stay empty.
// It reads the typed model (docpipe/sdk/model.hpp, docs/model.md).
#include <docpipe/sdk/model.hpp>
#include <docpipe/sdk/plugin.hpp>

#include "support/csv.hpp"
#include "support/grid.hpp"
#include "support/model.hpp"

namespace {

using namespace docpipe;
using namespace docpipe::outputs;

struct CsvOutput {
  static constexpr const char *name = "csv";
  static constexpr const char *version = "1.0.0";
  static constexpr const char *description =
      "One CSV file per table (UTF-8 with BOM, CRLF; text guarded against formula injection)";
  static constexpr const char *options = "bom,crlf";

  static void write(const sdk::model::Document &model, const sdk::Options &opts, const sdk::OutputTarget &target) {
    check_option_names(opts, {"bom", "crlf"});
    const bool bom = bool_option(opts, "bom", true);
    const bool crlf = bool_option(opts, "crlf", true);

    int n = 0;
    for (const sdk::Block &block : model.body.blocks()) {
      if (block.kind != sdk::Block::Kind::table) continue;
      const Grid grid = layout_table(block.table);
      const auto at = grid.anchors_by_position();
      CsvWriter csv(bom, crlf);
      for (int r = 0; r < grid.rows; ++r) {
        for (int c = 0; c < grid.cols; ++c) {
          const GridCell *g = at[static_cast<size_t>(r) * grid.cols + c];
          csv.field(g == nullptr || g->blank() ? std::string_view() : std::string_view(g->text), true);
        }
        csv.end_row();
      }
      write_text(target.path_for(".table-" + std::to_string(++n) + ".csv"), csv.bytes());
    }
  }
};

}  // namespace

DOCPIPE_OUTPUT_PLUGIN(CsvOutput)
