// The template cells of one report in one compact binary form: how they
// cross the pipe from a worker to the runner and how the ledger keeps them,
// so that the combined outputs of a run are built from the cells of every
// present input, converted now or before, and never from another output's
// files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "docpipe/sdk/model.hpp"

namespace docpipe::runner {

// One template cell of a model's records, as the tidy values list it (text
// as in the model; number, unit and source_line "" when absent).
struct Cell {
  std::string table, row, column, value, state, number, unit, source_line, placement;
};

// A cell of an encoded list, its texts pointing into the list's bytes.
struct CellView {
  std::string_view table, row, column, value, state, number, unit, source_line, placement;
};

// Appends the cells to `out`: a count, then each cell's nine fields in
// Cell order, a text repeated in the list written once.
void encode_cells(const std::vector<Cell> &cells, std::string &out);
// The same bytes for a model's records, without a copy of their texts.
void encode_cells(const sdk::model::Document &doc, std::string &out);

// The cells of encode_cells' bytes, as views into them (valid while they
// are), into `out`; throws docpipe::Error(internal) for bytes that are not
// such a list (a damaged ledger row or frame).
void view_cells(std::string_view bytes, std::vector<CellView> &out);
// The same check, without the views: for bytes read only later.
void check_cells(std::string_view bytes);
// The same, and the list's distinct texts in the order they come into
// `texts`, and for each cell the indices in `texts` of its nine fields (in
// Cell order) into `fields`: what is worked out for a text is worked out
// once a report.
void view_cells(std::string_view bytes, std::vector<CellView> &out, std::vector<std::string_view> &texts,
                std::vector<uint32_t> &fields);

// The same, as owned texts.
std::vector<Cell> decode_cells(std::string_view bytes);

}  // namespace docpipe::runner
