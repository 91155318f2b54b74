// The shape hints as a reader sees them (ABI 1.2): what the loaded templates
// declare about the official tables, parsed from the <shape-hints> document
// the host passes to parse (formats/HINTS.md). A reader that needs to know
// the tables (header words, row labels, value cells per row) takes them from
// here, so a new template year or table variant needs no code.
#pragma once

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
};

// Parses a <shape-hints> document; throws sdk::Error (DOCPIPE_ERR_INTERNAL)
// naming the reason when it is malformed. "" gives no tables.
ShapeHints parse_shape_hints(std::string_view xml);

}  // namespace docpipe::sdk
