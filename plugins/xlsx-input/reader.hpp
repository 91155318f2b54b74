// Reader for Excel .xlsx workbooks (SpreadsheetML), straight from the ZIP
// package: every visible sheet's cells as the spreadsheet shows them, cut
// into regions at blank rows; a region with a row of two or more cells (or a
// merged range) is a table, merged ranges are its spans; single-cell rows
// around tables are headings and paragraphs.
//
// Line numbers: the model's line is the sheet's row number; the rows of a
// second sheet are counted on after the first sheet's last row.
#pragma once

#include <docpipe/sdk/raw_document.hpp>
#include <string>
#include <string_view>

namespace docpipe::xlsx_input {

// Cheap: the ZIP's directory only.
double probe(std::string_view bytes);
// Throws docpipe::sdk::Error(DOCPIPE_ERR_INPUT) for a file that is not a
// readable .xlsx.
void read(std::string_view bytes, sdk::RawDocument &doc);

// A number as a cell with this number format shows it (General, 0, 0.00,
// #,##0, #,##0.00, 0%, and custom codes of those forms).
std::string format_number(std::string_view value, std::string_view format_code);

}  // namespace docpipe::xlsx_input
