// Helpers shared by the space-aligned tests: parse a text, find a row by its
// label the way the template stage does (normalised text), read its values
// by the alignment contract.
#pragma once

#include <docpipe/sdk/raw_document.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sa_test {

docpipe::sdk::RawDocument parse(std::string_view text);
std::string read_file(const std::string &path);
std::string fixture(const std::string &name);  // tests/plugins/space-aligned/fixtures/<name>

// NFKC, leading enumerators removed, then white space and punctuation removed.
std::string normalise(std::string_view label);

// Every non-header row of every table whose label cells (cells before the
// first value cell, i.e. column < 0) contain a cell normalising to `label`.
// Values: the cells after that label cell.
struct Found {
  const docpipe::sdk::Row *row = nullptr;
  std::vector<std::string> labels;  // label cell texts
  std::vector<std::string> values;  // value cell texts after the label
};
std::vector<Found> find_rows(const docpipe::sdk::RawDocument &doc, std::string_view label);
std::optional<Found> find_row(const docpipe::sdk::RawDocument &doc, std::string_view label);

// The last n cells of a row (the contract of tables 收到和处理 / 复议诉讼).
std::vector<std::string> last_cells(const docpipe::sdk::Row &row, size_t n);

// Number of diagnostics with this code.
int count_diagnostics(const docpipe::sdk::RawDocument &doc, std::string_view code);

}  // namespace sa_test
