// The template cells of one report in one compact binary form: how they
// cross the pipe from a worker to the runner and how the ledger keeps them,
// so that the combined outputs of a run are built from the cells of every
// present input, converted now or before, and never from another output's
// files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/engine.hpp"

namespace docpipe::runner {

using Cell = TemplateCell;

// A cell of an encoded list, its texts pointing into the list's bytes.
struct CellView {
  std::string_view table, row, column, value, state, number, unit, source_line, placement;
};

// Appends the cells to `out`: a count, then each cell's nine fields in
// TemplateCell order, a text repeated in the list written once.
void encode_cells(const std::vector<Cell> &cells, std::string &out);

// The cells of encode_cells' bytes, as views into them (valid while they
// are), into `out`; throws docpipe::Error(internal) for bytes that are not
// such a list (a damaged ledger row or frame).
void view_cells(std::string_view bytes, std::vector<CellView> &out);

// The same, as owned texts.
std::vector<Cell> decode_cells(std::string_view bytes);

}  // namespace docpipe::runner
