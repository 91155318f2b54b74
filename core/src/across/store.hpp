// The cross-year data in the run's ledger (OUT/.docpipe/ledger.sqlite), so
// that checks, `status`, `review` and `merge` read it without the outputs:
//   report_cells  the cells each report holds that a cross-year identity
//                 reads (relpath, tbl, row, col ids, label, value, state,
//                 number, line); the agency key is inputs.agency_key;
//   cross_year    the findings of the last run or merge, one row each, in
//                 the order of the summary's cross-year sheet (columns:
//                 finding_columns() with '_' for ' ');
//   run_info      key/value: shard ("I/N" of a `run --shard`), the combined
//                 outputs' names, the pipeline fingerprint (for `merge`).
// Also the worker's result record: its cells travel to the runner with it.
#pragma once

#include <sqlite3.h>

#include <functional>
#include <map>
#include <ostream>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "across/crossyear.hpp"

namespace docpipe::across {

extern const char *const kLedgerSchema;

// Replaces the cells of one input (inside the caller's transaction).
void put_cells(sqlite3 *db, const std::string &relpath, const std::vector<Cell> &cells);

// The cross-year checks over the ledger's converted reports for which
// `present(relpath)` holds (the inputs present now), one agency at a time
// (memory: the reports of one agency).
std::vector<Finding> check_ledger(sqlite3 *db, const std::vector<Declaration> &declarations,
                                  const std::function<bool(const std::string &)> &present);

void store_findings(sqlite3 *db, const std::vector<Finding> &findings);  // replaces them all
std::vector<Finding> load_findings(sqlite3 *db);

// `docpipe status`: a count of each kind, then a line per failure, gap and duplicate.
void print_status(sqlite3 *db, std::ostream &out);

void set_info(sqlite3 *db, const std::map<std::string, std::string> &info);
std::map<std::string, std::string> get_info(sqlite3 *db);

// The cross-year part of a worker's <result> record.
void write_result(pugi::xml_node result, const std::string &agency_key, const std::vector<Cell> &cells);
void read_result(const pugi::xml_node &result, std::string &agency_key, std::vector<Cell> &cells);

}  // namespace docpipe::across
