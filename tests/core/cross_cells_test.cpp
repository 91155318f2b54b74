// The cells the cross-year checks read (docs/cross-year.md) are not sent or
// stored apart: a run finds them among a report's template cells by their
// labels (across::ReferencedLabels), by `run` in the ledger and by
// `validate`. They must be exactly the cells the report's mapping holds by
// id (across::referenced_cells of the mapping of the report's body), for
// reports of both formats and a table printed in the other format's layout.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "across/store.hpp"
#include "engine/engine.hpp"
#include "runner/cells.hpp"
#include "templates/mapper.hpp"

namespace fs = std::filesystem;

TEST_CASE("cross-year cells found by their labels in the template cells are the engine's") {
  docpipe::EngineConfig config;
  config.plugin_dirs = {fs::path(DOCPIPE_BUILD_DIR) / "lib/docpipe/plugins"};
  config.formats_dir = fs::path(DOCPIPE_SOURCE_DIR) / "formats";
  const docpipe::Engine engine(config);
  REQUIRE(!engine.cross_year().empty());
  const docpipe::across::ReferencedLabels labels(engine.templates(), engine.cross_year());
  std::vector<fs::path> inputs;
  for (const char *dir : {"e2e/seeds", "e2e/fixtures/variants", "e2e/fixtures/blank-cells"})
    for (const auto &e : fs::directory_iterator(fs::path(DOCPIPE_TEST_DIR) / dir))
      if (e.path().extension() == ".txt") inputs.push_back(e.path());
  std::sort(inputs.begin(), inputs.end());
  REQUIRE(inputs.size() >= 8);
  size_t cells = 0;
  for (const fs::path &in : inputs) {
    INFO(in.filename().string());
    const docpipe::BuiltModel built = engine.build(in, in.filename().string(), "");
    std::string bytes;
    docpipe::runner::encode_cells(built.document, bytes);
    std::vector<docpipe::runner::CellView> views;
    docpipe::runner::view_cells(bytes, views);
    std::vector<docpipe::across::Cell> found;
    docpipe::across::referenced_cells(labels, built.template_id, views, found);
    // The body maps as the engine mapped it (no overrides here).
    const docpipe::templates::Mapping mapping = docpipe::templates::map_body(
        built.document.body, engine.templates(), built.report.year.empty() ? 0 : std::stoi(built.report.year));
    REQUIRE(mapping.records.size() == built.document.records.size());
    const std::vector<docpipe::across::Cell> by_id = docpipe::across::referenced_cells(mapping, engine.cross_year());
    REQUIRE(found.size() == by_id.size());
    for (size_t i = 0; i < found.size(); ++i) {
      const auto &a = found[i], &b = by_id[i];
      INFO(b.label);
      CHECK(a.table == b.table);
      CHECK(a.row == b.row);
      CHECK(a.column == b.column);
      CHECK(a.label == b.label);
      CHECK(a.value == b.value);
      CHECK(a.state == b.state);
      CHECK(a.line == b.line);
      if (b.state == "number") CHECK(a.number == b.number);  // (the checks read a number only of a number)
    }
    cells += found.size();
  }
  CHECK(cells > 0);
}
