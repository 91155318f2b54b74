// What a data cell holds. The raw text is always kept; the parsed number is
// extra. A blank is never a 0.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace docpipe::templates {

enum class CellState { blank, number, placeholder, text };

struct CellValue {
  std::string raw;  // trimmed source text, exactly as written
  CellState state = CellState::blank;
  std::string number;  // canonical decimal text ("1234", "-8", "0.35") when state == number
  double numeric = 0.0;
  std::string unit;  // "元", "万元", ... when the text carried one
};

CellValue parse_cell(std::string_view text);
CellValue compute_cell(std::string_view text);  // parse_cell without its memo
const char *state_name(CellState s);
// True when the text is a value (blank, number or placeholder), not a label.
bool is_value_like(std::string_view text);

}  // namespace docpipe::templates
