// Lays a model table out on a rectangular grid, the way an HTML table is
// laid out: each cell takes the first free grid column of its row (or the
// column the model states), and a rowspan/colspan reserves the grid cells it
// covers. Spans that would run into an already reserved cell, or past the
// last row, are clipped, so the anchors never overlap; that is what makes
// every span a valid, non-overlapping XLSX merge.
#pragma once

#include <algorithm>
#include <docpipe/sdk/model.hpp>
#include <docpipe/sdk/text.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace docpipe::outputs {

struct GridCell {
  std::string text;  // as in the model; inner line breaks are '\n'
  int row = 0;       // top-left grid position, 0-based
  int col = 0;
  int rowspan = 1;  // after clipping
  int colspan = 1;
  bool header = false;
  bool blank() const { return sdk::is_blank(text); }
};

struct Grid {
  int rows = 0;
  int cols = 0;
  int header_rows = 0;          // leading rows made only of header cells
  std::vector<GridCell> cells;  // anchors, in model order

  // The anchor whose top-left corner is at (r, c), or nullptr for a grid
  // cell that is empty or covered by a span.
  std::vector<const GridCell *> anchors_by_position() const {
    std::vector<const GridCell *> at(static_cast<size_t>(rows) * cols, nullptr);
    for (const GridCell &g : cells) at[static_cast<size_t>(g.row) * cols + g.col] = &g;
    return at;
  }
};

inline Grid layout_table(const sdk::Table &table) {
  Grid grid;
  grid.rows = static_cast<int>(table.rows.size());

  // taken[r][c]: the grid cell is reserved by some anchor.
  std::vector<std::vector<bool>> taken(grid.rows);
  auto is_taken = [&](int r, int c) { return c < static_cast<int>(taken[r].size()) && taken[r][c]; };
  auto take = [&](int r, int c) {
    if (c >= static_cast<int>(taken[r].size())) taken[r].resize(c + 1, false);
    taken[r][c] = true;
  };

  int r = 0;
  for (const sdk::Row &row : table.rows) {
    int c = 0;
    for (const sdk::Cell &cell : row.cells) {
      if (cell.column >= 0) c = cell.column;
      // An empty cell where a rowspan from above reaches is that merge's
      // continuation (the model may keep it so the row has its full width).
      if (is_taken(r, c) && cell.text.empty() && cell.rowspan <= 1 && cell.colspan <= 1) {
        ++c;
        continue;
      }
      while (is_taken(r, c)) ++c;
      // A span is at least 1 (a malformed or 0 span in the XML reads as 0).
      int colspan = std::max(1, cell.colspan);
      int rowspan = std::clamp(cell.rowspan, 1, grid.rows - r);
      for (int k = 1; k < colspan; ++k) {
        if (is_taken(r, c + k)) {
          colspan = k;
          break;
        }
      }
      for (int rr = r + 1; rr < r + rowspan; ++rr) {
        bool free = true;
        for (int k = 0; k < colspan; ++k) free = free && !is_taken(rr, c + k);
        if (!free) {
          rowspan = rr - r;
          break;
        }
      }
      for (int rr = r; rr < r + rowspan; ++rr) {
        for (int k = 0; k < colspan; ++k) take(rr, c + k);
      }
      grid.cells.push_back(GridCell{cell.text, r, c, rowspan, colspan, cell.header});
      grid.cols = std::max(grid.cols, c + colspan);
      c += colspan;
    }
    ++r;
  }

  // Header rows: from the top, rows whose anchors are all header cells, plus
  // the rows their rowspans reach into (so a freeze never cuts a merge).
  std::vector<std::vector<const GridCell *>> starting(grid.rows);
  for (const GridCell &g : grid.cells) starting[g.row].push_back(&g);
  for (int rr = 0; rr < grid.rows; ++rr) {
    const auto &here = starting[rr];
    if (here.empty()) {
      if (rr < grid.header_rows) continue;
      break;
    }
    if (!std::all_of(here.begin(), here.end(), [](const GridCell *g) { return g->header; })) break;
    for (const GridCell *g : here) grid.header_rows = std::max(grid.header_rows, g->row + g->rowspan);
  }
  return grid;
}

}  // namespace docpipe::outputs
