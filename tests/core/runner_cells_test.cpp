// The binary list of template cells a worker returns and the ledger keeps
// (core/src/runner/cells.hpp): every text comes back as it went in, a
// repeated text is stored once, and damaged bytes are refused, never read
// as other cells.
#include <catch2/catch.hpp>

#include "error.hpp"
#include "runner/cells.hpp"

using docpipe::runner::Cell;
using docpipe::runner::CellView;

namespace {

std::vector<Cell> sample() {
  std::vector<Cell> cells;
  for (int row = 0; row < 20; ++row)
    for (const char *col : {"申请人情况/自然人", "申请人情况/法人或其他组织/商业企业", "总计"})
      cells.push_back({"收到和处理政府信息公开申请情况", "三、本年度办理结果/（一）予以公开/" + std::to_string(row),
                       col, row % 3 == 0 ? "" : std::to_string(row * 7), row % 3 == 0 ? "blank" : "number",
                       row % 3 == 0 ? "" : std::to_string(row * 7), row == 4 ? "万元" : "",
                       row % 3 == 0 ? "" : std::to_string(40 + row), row % 3 == 0 ? "absent" : "direct"});
  cells.push_back({"t", "a,b \"quoted\"\nline", "=1+1", std::string("nul\0byte", 8), "text", "", "", "1", "direct"});
  return cells;
}

bool same(const Cell &a, const Cell &b) {
  return a.table == b.table && a.row == b.row && a.column == b.column && a.value == b.value && a.state == b.state &&
         a.number == b.number && a.unit == b.unit && a.source_line == b.source_line && a.placement == b.placement;
}

}  // namespace

TEST_CASE("template cells come back as they went in, repeated texts stored once") {
  const std::vector<Cell> cells = sample();
  std::string bytes;
  docpipe::runner::encode_cells(cells, bytes);
  size_t plain = 0;
  for (const Cell &c : cells)
    plain += c.table.size() + c.row.size() + c.column.size() + c.value.size() + c.state.size() + c.number.size() +
             c.unit.size() + c.source_line.size() + c.placement.size();
  CHECK(bytes.size() * 3 < plain);
  const std::vector<Cell> back = docpipe::runner::decode_cells(bytes);
  REQUIRE(back.size() == cells.size());
  for (size_t i = 0; i < cells.size(); ++i) CHECK(same(back[i], cells[i]));
  std::vector<CellView> views;
  docpipe::runner::view_cells(bytes, views);
  REQUIRE(views.size() == cells.size());
  CHECK(views[5].column == cells[5].column);
  CHECK(docpipe::runner::decode_cells("").empty());
}

TEST_CASE("a cell list's distinct texts, and each field's among them") {
  const std::vector<Cell> cells = sample();
  std::string bytes;
  docpipe::runner::encode_cells(cells, bytes);
  std::vector<CellView> views;
  std::vector<std::string_view> texts;
  std::vector<uint32_t> fields;
  docpipe::runner::view_cells(bytes, views, texts, fields);
  REQUIRE(views.size() == cells.size());
  REQUIRE(fields.size() == 9 * views.size());
  CHECK(texts.size() < 9 * cells.size() / 3);
  for (size_t i = 0; i < views.size(); ++i) {
    const CellView &c = views[i];
    size_t k = 0;
    for (std::string_view f :
         {c.table, c.row, c.column, c.value, c.state, c.number, c.unit, c.source_line, c.placement}) {
      const uint32_t t = fields[9 * i + k++];
      REQUIRE(t < texts.size());
      CHECK(texts[t].data() == f.data());
      CHECK(texts[t].size() == f.size());
    }
  }
}

TEST_CASE("damaged cell lists are refused") {
  std::string bytes;
  docpipe::runner::encode_cells(sample(), bytes);
  CHECK_THROWS_AS(docpipe::runner::decode_cells(bytes.substr(0, bytes.size() - 1)), docpipe::Error);
  CHECK_THROWS_AS(docpipe::runner::decode_cells(bytes + "x"), docpipe::Error);
  std::string bad_ref = bytes;
  bad_ref[1] = '\x7f';  // the first field refers to text 63, of none seen
  CHECK_THROWS_AS(docpipe::runner::decode_cells(bad_ref), docpipe::Error);
  CHECK_THROWS_AS(docpipe::runner::decode_cells(std::string(12, '\xff')), docpipe::Error);
  // The check alone refuses the same lists and passes the whole one.
  CHECK_NOTHROW(docpipe::runner::check_cells(bytes));
  CHECK_NOTHROW(docpipe::runner::check_cells(""));
  CHECK_THROWS_AS(docpipe::runner::check_cells(bytes.substr(0, bytes.size() - 1)), docpipe::Error);
  CHECK_THROWS_AS(docpipe::runner::check_cells(bytes + "x"), docpipe::Error);
  CHECK_THROWS_AS(docpipe::runner::check_cells(bad_ref), docpipe::Error);
  CHECK_THROWS_AS(docpipe::runner::check_cells(std::string(12, '\xff')), docpipe::Error);
}
