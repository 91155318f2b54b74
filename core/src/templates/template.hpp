// A report template (formats/templates/*.xml) as data: tables, their
// sections, row and column label hierarchies with canonical spellings and
// variants, and the accounting identities. Nothing about a format is in C++.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
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
  std::vector<std::u32string> keys32;      // the same as code points (the mapper's edit distance)
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
  // The official format whose layout this table follows: the template's own
  // id, or for a variant that agencies mix in (<table variant="ogi-2019">)
  // the format named there.
  std::string variant;
  bool values_at_end = false;
  std::vector<std::string> header_keys;    // header labels that are not columns (<header-label>)
  std::vector<std::string> header_labels;  // the same as written
  // Header labels the official form prints that are no cell label
  // (<header-label print="corner|band">): the note in the corner over the
  // row labels, and the band over all the value columns. "" when none.
  std::string corner, band;
  // Every key a header row of this table may show: the header labels, the
  // columns' labels and variants, and the column groups' labels
  // ("法人或其他组织"). Computed once when the template is loaded.
  std::vector<std::string> all_header_keys;
  // Header keys of the other layouts of this table (same id, in any loaded
  // template or variant) that this layout does not have: a header showing
  // one contradicts this layout. Sorted; computed when templates are loaded.
  std::vector<std::string> foreign_header_keys;
  std::vector<Section> sections;
  std::vector<Identity> identities;
  // Every non-empty row key of the sections, as (section, row, key) indexes
  // grouped by the key's last byte and in table order within a group: the
  // mapper looks for the keys a row's label text ends with among those that
  // end in its last byte. Computed when the template is loaded.
  struct KeyRef {
    uint32_t section, row, key;
  };
  std::vector<KeyRef> row_keys_by_end;
  std::array<uint32_t, 257> row_keys_from{};  // last byte b: [row_keys_from[b], row_keys_from[b + 1])
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
  int last_year = 0;          // 0 = open-ended
  std::vector<Table> tables;  // the format's own layout of each table
  // Per table (same index as `tables`): the other layouts that occur
  // (<table> given again with a variant attribute), in file order.
  std::vector<std::vector<Table>> variants;
  std::filesystem::path file;
  // Which tables (ascending indices) list a key among their all_header_keys:
  // the mapper looks every label cell up here. Computed once when loaded.
  std::unordered_map<std::string, std::vector<size_t>, KeyHash, std::equal_to<>> header_key_tables;

  size_t cell_count() const;
  // Layout k of table ti: 0 the template's own, k > 0 variants[ti][k - 1].
  const Table &layout(size_t ti, size_t k) const { return k == 0 ? tables[ti] : variants[ti][k - 1]; }
};

// The cells one side of an identity adds up, for one instance of it: the
// (row, column) indexes into the table's first section, with `fixed_row` /
// `fixed_col` the instance's row (per row) or column (per column), -1 when
// not fixed. A term naming an id the section lacks gives index -1.
std::vector<std::pair<long, long>> identity_cells(const Table &table, const Identity &identity,
                                                  const std::vector<Term> &terms, long fixed_row, long fixed_col);

// Loads one template file; throws docpipe::Error(config) naming the file and
// the reason, also when two rows of a table share a label key (which would
// make the mapping ambiguous).
Template load_template(const std::filesystem::path &file);

// Fills every table's foreign_header_keys from the other layouts of the
// same table id among `templates` (load_templates does this).
void link_layouts(std::vector<Template> &templates);

// Every *.xml in the folder, sorted by file name.
std::vector<Template> load_templates(const std::filesystem::path &dir);

}  // namespace docpipe::templates
