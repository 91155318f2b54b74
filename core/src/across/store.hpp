// The cross-year data in the run's ledger (OUT/.docpipe/ledger.sqlite), so
// that checks, `status`, `review` and `merge` read it without the outputs.
// The cells the checks read are those of each input's template cells (the
// runner's table `cells`, runner/cells.hpp) that a declaration names; the
// agency key is inputs.agency_key. Here:
//   cross_year    the findings of the last run or merge, one row each, in
//                 the order of the summary's cross-year sheet (columns:
//                 finding_columns() with '_' for ' ');
//   run_info      key/value: shard ("I/N" of a `run --shard`), the combined
//                 outputs' names, the pipeline fingerprint (for `merge`).
#pragma once

#include <sqlite3.h>

#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "across/crossyear.hpp"
#include "runner/cells.hpp"

namespace docpipe::across {

extern const char *const kLedgerSchema;

// The cross-year checks over the ledger's converted reports for which
// `present(relpath)` holds (the inputs present now), one agency at a time
// (memory: the reports of one agency), their cells read from their template
// cells by their labels in `templates` (ReferencedLabels).
// The cells of a report's template cells (as a worker sends them and the
// ledger keeps them, runner/cells.hpp) that a declaration reads, appended
// to `out` in record order: what the engine's referenced_cells() gives from
// the report's mapping.
void referenced_cells(const ReferencedLabels &labels, std::string_view template_id,
                      const std::vector<runner::CellView> &cells, std::vector<Cell> &out);

std::vector<Finding> check_ledger(sqlite3 *db, const std::vector<templates::Template> &templates,
                                  const std::vector<Declaration> &declarations,
                                  const std::function<bool(const std::string &)> &present);

void store_findings(sqlite3 *db, const std::vector<Finding> &findings);  // replaces them all
std::vector<Finding> load_findings(sqlite3 *db);

// `docpipe status`: a count of each kind, then a line per failure, gap and duplicate.
void print_status(sqlite3 *db, std::ostream &out);

void set_info(sqlite3 *db, const std::map<std::string, std::string> &info);
std::map<std::string, std::string> get_info(sqlite3 *db);

}  // namespace docpipe::across
