// Space-aligned text (pdftotext -layout, w3m/lynx dumps, pandoc plain tables)
// to the raw model. The parser is a pure function of the text: no state
// survives a call, so the plugin may be used from several threads.
#pragma once

#include <docpipe/sdk/raw_document.hpp>
#include <docpipe/sdk/shape_hints.hpp>
#include <string>
#include <string_view>

namespace docpipe::space_aligned {

// 0..1: how much `text` looks like space-aligned tables (runs of 2+ spaces
// forming columns, dash rules, box drawing) rather than TAB-separated fields.
double probe(std::string_view text);

// Converts the whole text; problems become diagnostics in `doc`. The shape
// hints (formats/HINTS.md) tell which official table a region is and how many
// value columns its rows have; without them (no tables) columns are found
// from the text alone.
void parse(std::string_view text, const sdk::ShapeHints &hints, sdk::RawDocument &doc);

// Exposed for unit tests.
namespace detail {

// A cell value as these tables write it: a number (signed, with thousands
// separators, decimals, full-width digits, a % or 元 unit) or a blank marker
// such as "-", "—", "/", "N/A", "不适用".
bool is_value_token(std::u32string_view word);

// Depth of a leading enumerator: 1 = "一、", 2 = "（一）" / "(一)",
// 3 = "1." / "1、", 4 = "(1)"; 0 = none. `number` gets its value.
int enumerator_depth(std::u32string_view word, int *number = nullptr);

}  // namespace detail
}  // namespace docpipe::space_aligned
