#include "templates/values.hpp"

#include <docpipe/sdk/model.hpp>
#include <docpipe/sdk/text.hpp>
#include <unordered_map>

#include "templates/template.hpp"  // KeyHash

namespace docpipe::templates {

CellValue parse_cell(std::string_view text) {
  // Reports repeat their cell texts (numbers, dashes, labels): a bounded
  // per-thread memo of this pure function.
  thread_local std::unordered_map<std::string, CellValue, KeyHash, std::equal_to<>> memo;
  if (const auto it = memo.find(text); it != memo.end()) return it->second;
  if (memo.size() >= 50000) memo.clear();
  CellValue v = compute_cell(text);
  memo.emplace(std::string(text), v);
  return v;
}

CellValue compute_cell(std::string_view text) { return sdk::parse_value(text); }

// The model's names (CellState is the SDK's ValueState).
const char *state_name(CellState s) { return sdk::model::state_name(s); }

bool is_value_like(std::string_view text) { return parse_cell(text).state != CellState::text; }

}  // namespace docpipe::templates
