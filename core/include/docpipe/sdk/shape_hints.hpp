// The shape hints as a reader sees them (ABI 1.2): what the loaded templates
// declare about the official tables, parsed from the <shape-hints> document
// the host passes to parse (formats/HINTS.md). A reader that needs to know
// the tables (header words, row labels, value cells per row) takes them from
// here, so a new template year or table variant needs no code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace docpipe::sdk {

struct HintColumn {
  std::vector<std::string> labels;  // canonical labels, outermost group first, the leaf last
  std::vector<std::string> keys;    // label keys (sdk::label_key) of the leaf and its variants
};

struct HintRow {
  std::vector<std::string> groups;  // enclosing group labels, outermost first (printed once for their rows)
  std::string label;                // canonical; "" for a table's one unlabelled row
  std::vector<std::string> keys;    // label keys of the label and its variants ("" for an unlabelled row)
};

// A table's section: its own columns (one value cell per column in each of
// its rows). Tables without sections have one section labelled "".
struct HintSection {
  std::string label;
  std::vector<HintColumn> columns;
  std::vector<HintRow> rows;
};

struct HintTable {
  std::string template_id;  // "ogi-2019"
  std::string variant;      // the table variant's name; the template id when the template declares none
  std::string id;           // "requests"
  std::string name;         // "收到和处理政府信息公开申请情况"
  bool values_at_end = true;
  std::vector<std::string> header_labels;  // header cells that are not columns ("信息内容")
  std::vector<HintSection> sections;
};

struct ShapeHints {
  std::vector<HintTable> tables;  // every variant of every table of every loaded template
  // Which parse made them (a number no other parse in the process has; 0
  // for hints built by hand), so that what a reader derives from them can
  // be kept while they stay the same (derived_from).
  std::uint64_t generation = 0;
};

// Parses a <shape-hints> document; throws sdk::Error (DOCPIPE_ERR_INTERNAL)
// naming the reason when it is malformed. "" gives no tables.
ShapeHints parse_shape_hints(std::string_view xml);

// What a reader builds from the hints (an index of their labels, the tables'
// shapes): `D(hints)` once for each parse of the hints a thread sees, not on
// every document. The host passes the same hints to every call, so this is
// a cache: hints built by hand (generation 0) get a fresh D on each call.
// The reference holds until the thread's next call with other hints.
template <class D>
const D &derived_from(const ShapeHints &hints) {
  thread_local std::optional<D> cached;
  thread_local std::uint64_t cached_generation = 0;
  if (!cached || hints.generation == 0 || hints.generation != cached_generation) {
    cached.reset();
    cached.emplace(hints);
    cached_generation = hints.generation;
  }
  return *cached;
}

}  // namespace docpipe::sdk
