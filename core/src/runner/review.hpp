// `docpipe review OUT`: what needs a person in an output folder, grouped by
// reason, with the file, the cell (table, row, column), its value and its
// source line. Read from the run's ledger (which inputs failed or are to be
// reviewed) and each such report's model (formats/model.rng: its records,
// checks, unmapped items and diagnostics); a `convert` folder without a
// ledger is read from its model files alone.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace docpipe::runner {

struct ReviewItem {
  std::string reason;  // the verdict reason's code (failed-identity, absent-cells, ...) or "failed"
  std::string file;    // as the values CSV's file column shows it
  std::string table, row, column, value;
  std::string lines;  // "120" or "120-122"; "" when there is no source line
  std::string detail;
};

// Every item of the folder, grouped by reason (a fixed order: failures
// first, then wrong values, then missing ones), each group in file order.
// Throws docpipe::Error(no_input) when the folder holds neither a ledger
// nor a model.
std::vector<ReviewItem> review_items(const std::filesystem::path &output_dir, size_t &reports);

// Prints the list; with csv_out, also writes it as CSV whose first six
// columns are those of an overrides file (file,table,row,column,value,note),
// so it is the draft of the corrections. Returns 0.
int run_review(const std::filesystem::path &output_dir, const std::filesystem::path &csv_out);

}  // namespace docpipe::runner
