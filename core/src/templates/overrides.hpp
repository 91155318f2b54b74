// Corrections by hand: an overrides file (CSV with the header
// file,table,row,column,value,note; docs/review.md) names template cells of
// reports and the value a person has checked. They are put on top of what
// was read, before the identities are checked, and recorded as
// placement="override" with the note, so that a correction survives every
// re-run and shows as a correction in every output.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "templates/mapper.hpp"
#include "templates/template.hpp"

namespace docpipe::templates {

struct Override {
  std::string file;                // the report, as the values CSV's `file` column shows it
  std::string table, row, column;  // as the values CSV shows them (table name or id; label paths)
  std::string value, note;         // the value as a person would print it ("" = blank)
  std::string origin;              // "FILE:LINE", for messages and the model
};

class Overrides {
 public:
  Overrides() = default;

  // Reads the files in order (a later file's row for the same cell wins);
  // every row must name a cell of a loaded template (any table layout).
  // Throws docpipe::Error(config) "FILE:LINE: reason"; a file that cannot be
  // read is Error(no_input).
  static Overrides load(const std::vector<std::filesystem::path> &files, const std::vector<Template> &templates);

  bool empty() const { return items_.empty(); }
  const std::vector<Override> &items() const { return items_; }
  const std::vector<std::filesystem::path> &files() const { return files_; }

  // The rows for one report (`file` as the values CSV shows it), in order.
  std::vector<const Override *> for_file(std::string_view file) const;

  // What the rows for one report say, as one string ("" when none): a
  // change of it makes the report's earlier result stale.
  std::string digest(std::string_view file) const;

 private:
  std::vector<Override> items_;
  std::vector<std::filesystem::path> files_;
  std::map<std::string, std::vector<size_t>, std::less<>> by_file_;  // file -> items, in order
};

// Puts the rows on one report's mapping: each named record takes the value
// (placement override, the note, the value read kept). A row naming a cell
// this report does not have (another template, a table not found) is a
// doubt in the findings, so the report is reviewed.
void apply_overrides(Mapping &m, const std::vector<const Override *> &rows);

}  // namespace docpipe::templates
