// Cross-year identities: numbers one report states that the same agency's
// report of the year before must agree with (table 2's 二、上年结转 = last
// year's 四、结转下年度继续办理, …). Declared as data in the templates
// (<cross-year> elements, formats/template.rng, formats/templates/*.xml),
// checked per agency (across/agency.hpp) over consecutive years, in `run`,
// `merge` and `validate`. docs/cross-year.md describes the rules.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "templates/mapper.hpp"
#include "templates/template.hpp"

namespace docpipe::across {

// One term: a cell (table of the declaration, row id, column id; an empty
// id is the instance's row or column), of this report or of the previous
// year's, added or subtracted.
struct XTerm {
  std::string row, column;
  bool previous = false;
  bool minus = false;
};

// <cross-year id table per previous-template note> in the template of the
// later report: actual (this year's stated cell) = the expected sum.
struct Declaration {
  std::string id, template_id, table, per, note;  // per: column | row | once
  std::string previous_template;                  // "" = any template with the cells
  std::vector<XTerm> expected, actual;
  // The instances: a (row id, column id) pair fills the terms' empty ids;
  // computed from the template's own layout of the table when loaded.
  std::vector<std::pair<std::string, std::string>> instances;
};

// Every <cross-year> of the loaded templates, in template then file order.
// Throws docpipe::Error(config) naming the file, line and reason (an
// unknown table, row or column id, a bad per, a side without terms).
std::vector<Declaration> load_declarations(const std::vector<templates::Template> &templates);

// A cell a cross-year identity reads, as one report holds it.
struct Cell {
  std::string table, row, column;  // ids
  std::string label;               // table name / row path / column path, as the report's layout names them
  std::string value;               // as written ("" for a blank)
  std::string state;               // blank | number | placeholder | text
  std::string number;              // canonical decimal when a number
  int line = 0;                    // source line (0: none)
};

// The cells of a mapped report that any declaration reads (this year's or
// the previous year's side), in template order, by their ids. What `run` and
// `validate` use is the lookup by labels in the report's template cells
// (store.hpp); core_cross_cells_test holds the two to the same cells.
std::vector<Cell> referenced_cells(const templates::Mapping &m, const std::vector<Declaration> &declarations);

// The same cells found by the labels a model's records name them with
// (their layout's table name, row path, column path), which is all a run
// keeps of a report's cells (runner/cells.hpp): for each template, the
// labels of every cell a declaration reads, in each of its layouts, and
// their ids. Within a template a cell's labels name one cell, as the
// summary's columns assume (the first layout's wins).
class ReferencedLabels {
 public:
  ReferencedLabels(const std::vector<templates::Template> &templates, const std::vector<Declaration> &declarations);
  struct Ids {
    std::string table, row, column;
  };
  // The ids of the cell so labelled in a layout of template `template_id`
  // when a declaration reads it; else nullptr.
  const Ids *find(std::string_view template_id, std::string_view table, std::string_view row,
                  std::string_view column) const;
  // False when no cell of a row so labelled is read (most rows): no need to find() its cells.
  bool row_read(std::string_view row) const { return rows_.find(row) != rows_.end(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, Ids> ids_;                     // template \x1f table \x1f row \x1f column -> ids
  std::unordered_set<std::string, Hash, std::equal_to<>> rows_;  // the row labels of ids_
};

// A report as the checks see it.
struct Report {
  std::string relpath;  // the file as the outputs name it (escaped when shown)
  std::string agency_key, year, template_id;
  std::vector<Cell> cells;
};

// A finding, in the order the checks make them (agency key, year, identity,
// instance). kind: fail | not-checkable | gap | duplicate (check), possible-alias (alias_hints).
struct Finding {
  std::string kind, agency_key, identity, instance;
  std::string previous_file, previous_year, previous_cells;  // cells: "label = value (line N)", '; '-joined
  std::string file, year, cells;
  std::string expected, actual;  // of a fail: expected from the expected side, actual the stated cell
  std::string note;              // why not checkable, which years are missing, the declaration's note
};

// Groups the reports by agency key (reports without a key or year are not
// grouped), orders each agency's reports by year and checks each report
// against the one of the year before. A year missing between two reports
// is a gap; two reports of one agency and year are a duplicate (neither is
// checked against the other years). A blank, placeholder or absent operand
// makes the instance not checkable (a blank is not 0), never a failure.
// `reports` is sorted in place.
std::vector<Finding> check(std::vector<Report> &reports, const std::vector<Declaration> &declarations);

// Names that may be one agency, never joined without the aliases file: a
// key L that is a key K with an administrative area before it (the part of
// L before K ends in 省 市 州 盟 县 区 or 旗: 淮安市洪泽区人民政府 and
// 洪泽区人民政府). One finding of kind possible-alias per such K, naming a
// report of each and the aliases line that would join them (or, when K ends
// several keys, that it is ambiguous). `reports`: one per key is enough.
std::vector<Finding> alias_hints(const std::vector<Report> &reports);

// The same hints over keys not held in memory (a ledger of 100,000 reports
// of as many agencies): `each_key(visit)` calls visit once per key, in
// ascending byte order, with the key's first report (by year, then file);
// `first_of(key)` gives that report for any key, or nothing when no report
// has the key. Only the keys that end another key are kept.
struct KeyFirst {
  std::string agency_key, relpath, year;
};
using KeyVisit = std::function<void(const KeyFirst &)>;
std::vector<Finding> alias_hints(const std::function<void(const KeyVisit &)> &each_key,
                                 const std::function<std::optional<KeyFirst>(const std::string &)> &first_of);

// A count of each kind, then a line per failure, gap and duplicate (the
// not-checkable ones are in the summary's cross-year sheet and the ledger).
void print_findings(const std::vector<Finding> &findings, std::ostream &out);

// Columns of the cross-year sheet and of the ledger's cross_year table, in order.
const std::vector<std::string> &finding_columns();
std::vector<std::string> finding_fields(const Finding &f);

}  // namespace docpipe::across
