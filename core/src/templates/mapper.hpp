// The template stage: decides which template a document's raw tables follow,
// maps every data cell to (table, row path, column path), and evaluates the
// template's accounting identities. Runs on the raw model of any input form.
#pragma once

#include <docpipe/sdk/raw_document.hpp>
#include <string>
#include <vector>

#include "templates/template.hpp"
#include "templates/values.hpp"

namespace docpipe::templates {

// header_only: the cell of a data row without a label in a table whose
// source shows its header and then ends (blank; see fill_header_only_tables).
enum class Placement { direct, aligned, tie_break, header_only, absent, override_ };
const char *placement_name(Placement p);

struct CellRef {
  size_t table = 0, section = 0, row = 0, column = 0;
};

struct Record {
  CellRef cell;
  CellValue value;
  Placement placement = Placement::direct;
  int first_line = 0, last_line = 0;
  // placement override (templates/overrides.hpp): the person's note, where
  // the row is (FILE:LINE), and the value read before (none when absent).
  std::string note, origin, read;
  bool had_read = false;
};

struct Unmapped {
  int first_line = 0, last_line = 0;
  std::string text;
  std::string reason;
  bool holds_data = false;  // a value cell, not just a stray text line
};

struct Finding {  // the template stage's own diagnostics
  std::string severity, code, message;
  int line = 0;
  // A doubt about the data (a cell may be wrong or missing: the report is
  // put up for review) or information only.
  bool doubt = false;
};

struct Mapping {
  const Template *tmpl = nullptr;  // null: no template recognised
  // The layout each table of tmpl was mapped onto (the template's own or a
  // variant, Table::variant says which); records index into these.
  std::vector<const Table *> tables;
  std::vector<Record> records;  // template order; absent cells included for tables seen
  std::vector<Unmapped> unmapped;
  std::vector<Finding> findings;
  std::vector<bool> table_seen;  // per template table
  int evidence = 0;              // labels matched
};

// Maps the raw body (the input plugin's, typed) onto the best-matching template (or none), each table
// onto the layout (the template's own or a variant) whose labels it shows.
// `year` (0: unknown), the report's year, decides between templates whose
// labels match equally well; a template or table layout not in force that
// year is reported (structure wins).
Mapping map_body(const sdk::RawDocument &body, const std::vector<Template> &templates, int year = 0);

enum class CheckResult { pass, blank_pass, fail };
const char *check_result_name(CheckResult r);

struct CheckTerm {
  const Record *record = nullptr;  // null when the cell has no record
  bool expected_side = true;
};

struct Check {
  const Identity *identity = nullptr;
  size_t table = 0;
  std::string row, column;  // the instance: a row path (per row) or column path (per column / once)
  CheckResult result = CheckResult::pass;
  double expected = 0, actual = 0;
  bool tie_break = false;
  std::vector<CheckTerm> terms;
};

std::vector<Check> run_checks(const Mapping &m);

// Canonical decimal text of a sum, without a trailing ".0".
std::string format_number(double v);

}  // namespace docpipe::templates
