// A report template (formats/templates/*.xml) as data: tables, their
// sections, row and column label hierarchies with canonical spellings and
// variants, and the accounting identities. Nothing about a format is in C++.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace docpipe::templates {

struct Column {
  std::string id;
  std::string path;                 // canonical label path, levels joined by '/'
  std::vector<std::string> labels;  // the same levels, outermost group first
  std::string key;                  // label_key of the leaf label
  std::vector<std::string> keys;    // key plus the variants' keys
  std::string role;
  std::string unit;  // declared unit ("万元"), if any
};

struct Row {
  std::string id;
  std::string path;                        // canonical label path
  std::vector<std::string> labels;         // its levels (group labels, then its own), outermost first
  std::vector<std::string> ancestor_keys;  // keys of the enclosing group labels, outermost first
  std::vector<std::string> keys;           // leaf key plus variants
  std::string role;
};

// A table has one or more sections, each with its own columns; the tables
// without sections in the official formats have one unnamed section.
struct Section {
  std::string label;  // "" when unnamed
  std::string key;
  std::vector<Column> columns;
  std::vector<Row> rows;
};

struct Term {
  std::string row;     // row id, or "" (the identity's current row)
  std::string column;  // column id, or ""
  std::string role;    // all rows (per column) / columns (per row) of this role
};

struct Identity {
  std::string id;
  std::string per;  // column | row | once
  std::string note;
  std::vector<Term> expected;  // the sum the identity computes
  std::vector<Term> actual;    // the stated value it must equal
};

struct Table {
  std::string id;
  std::string name;
  bool values_at_end = false;
  std::vector<std::string> header_keys;    // header labels that are not columns (<header-label>)
  std::vector<std::string> header_labels;  // the same as written
  // Every key a header row of this table may show: the header labels, the
  // columns' labels and variants, and the column groups' labels
  // ("法人或其他组织"). Computed once when the template is loaded.
  std::vector<std::string> all_header_keys;
  std::vector<Section> sections;
  std::vector<Identity> identities;
};

// Hashes std::string and std::string_view alike, so that maps keyed by
// std::string can be searched with a view (no string built per lookup).
struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct Template {
  std::string id;
  std::string title;
  int first_year = 0;
  int last_year = 0;  // 0 = open-ended
  std::vector<Table> tables;
  std::filesystem::path file;
  // Which tables (ascending indices) list a key among their all_header_keys:
  // the mapper looks every label cell up here. Computed once when loaded.
  std::unordered_map<std::string, std::vector<size_t>, KeyHash, std::equal_to<>> header_key_tables;

  size_t cell_count() const;
};

// Loads one template file; throws docpipe::Error(config) naming the file and
// the reason, also when two rows of a table share a label key (which would
// make the mapping ambiguous).
Template load_template(const std::filesystem::path &file);

// Every *.xml in the folder, sorted by file name.
std::vector<Template> load_templates(const std::filesystem::path &dir);

}  // namespace docpipe::templates
