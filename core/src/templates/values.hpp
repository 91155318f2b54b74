// What a data cell holds: the SDK's cell toolkit (docpipe/sdk/cells.hpp),
// which the readers use too; the template stage keeps a memo of it. The raw
// text is always kept; the parsed number is extra. A blank is never a 0.
#pragma once

#include <docpipe/sdk/cells.hpp>
#include <string_view>

namespace docpipe::templates {

using CellState = sdk::ValueState;
using CellValue = sdk::CellValue;

CellValue parse_cell(std::string_view text);    // sdk::parse_value, memoised per thread
CellValue compute_cell(std::string_view text);  // parse_cell without its memo
const char *state_name(CellState s);
// True when the text is a value (blank, number or placeholder), not a label.
bool is_value_like(std::string_view text);

}  // namespace docpipe::templates
