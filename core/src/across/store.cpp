#include "across/store.hpp"

#include <docpipe/sdk/text.hpp>

#include "error.hpp"

namespace docpipe::across {

const char *const kLedgerSchema = R"sql(
CREATE TABLE IF NOT EXISTS report_cells (
  relpath TEXT NOT NULL REFERENCES inputs(relpath) ON DELETE CASCADE, tbl TEXT, row TEXT, col TEXT, label TEXT,
  value TEXT, state TEXT, number TEXT, line INTEGER
);
CREATE INDEX IF NOT EXISTS report_cells_by_input ON report_cells(relpath);
CREATE TABLE IF NOT EXISTS cross_year (
  kind TEXT, agency TEXT, identity TEXT, instance TEXT,
  previous_file TEXT, previous_year TEXT, previous_cells TEXT,
  file TEXT, year TEXT, cells TEXT, expected TEXT, actual TEXT, note TEXT
);
CREATE TABLE IF NOT EXISTS run_info (key TEXT PRIMARY KEY, value TEXT);
)sql";

namespace {

[[noreturn]] void fail(sqlite3 *db, const std::string &what) {
  const char *file = sqlite3_db_filename(db, "main");
  throw Error(ExitCode::io_error,
              std::string(file != nullptr ? file : "ledger") + ": " + what + ": " + sqlite3_errmsg(db));
}

struct Q {
  sqlite3 *db;
  sqlite3_stmt *s = nullptr;
  Q(sqlite3 *d, const char *sql) : db(d) {
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) fail(db, "cross-year data");
  }
  ~Q() { sqlite3_finalize(s); }
  Q(const Q &) = delete;
  Q &operator=(const Q &) = delete;
  Q &bind(int i, const std::string &v) {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Q &bind(int i, int v) {
    sqlite3_bind_int(s, i, v);
    return *this;
  }
  bool step() {
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) fail(db, "cross-year data");
    return false;
  }
  void reset() {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
  std::string text(int i) const {
    const auto *t = sqlite3_column_text(s, i);
    return t == nullptr ? "" : reinterpret_cast<const char *>(t);
  }
};

void exec(sqlite3 *db, const char *sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(db, "cross-year data");
}

}  // namespace

void put_cells(sqlite3 *db, const std::string &relpath, const std::vector<Cell> &cells) {
  Q(db, "DELETE FROM report_cells WHERE relpath = ?").bind(1, relpath).step();
  Q ins(db,
        "INSERT INTO report_cells (relpath, tbl, row, col, label, value, state, number, line) VALUES "
        "(?,?,?,?,?,?,?,?,?)");
  for (const Cell &c : cells) {
    ins.reset();
    ins.bind(1, relpath).bind(2, c.table).bind(3, c.row).bind(4, c.column).bind(5, c.label);
    ins.bind(6, c.value).bind(7, c.state).bind(8, c.number).bind(9, c.line);
    ins.step();
  }
}

std::vector<Finding> check_ledger(sqlite3 *db, const std::vector<Declaration> &declarations,
                                  const std::function<bool(const std::string &)> &present) {
  std::vector<Finding> out;
  Q q(db,
      "SELECT i.relpath, i.agency_key, i.year, i.template, c.tbl, c.row, c.col, c.label, c.value, c.state, c.number, "
      "c.line FROM inputs i LEFT JOIN report_cells c ON c.relpath = i.relpath WHERE i.status = 'done' AND "
      "i.template <> '' AND i.agency_key <> '' AND i.year <> '' ORDER BY i.agency_key, i.relpath, c.rowid");
  std::vector<Report> group;
  auto flush = [&] {
    std::vector<Finding> f = check(group, declarations);
    out.insert(out.end(), std::make_move_iterator(f.begin()), std::make_move_iterator(f.end()));
    group.clear();
  };
  std::string skipping;  // a relpath not present
  while (q.step()) {
    const std::string rel = q.text(0);
    if (rel == skipping) continue;
    if (group.empty() || group.back().relpath != rel) {
      if (!present(rel)) {
        skipping = rel;
        continue;
      }
      const std::string key = q.text(1);
      if (!group.empty() && group.back().agency_key != key) flush();
      group.push_back({rel, key, q.text(2), q.text(3), {}});
    }
    if (sqlite3_column_type(q.s, 4) == SQLITE_NULL) continue;
    group.back().cells.push_back(
        {q.text(4), q.text(5), q.text(6), q.text(7), q.text(8), q.text(9), q.text(10), sqlite3_column_int(q.s, 11)});
  }
  flush();
  // Names that may be one agency: a report of each key is enough.
  std::vector<Report> keys;
  Q k(db,
      "SELECT relpath, agency_key, year FROM inputs WHERE status = 'done' AND template <> '' AND agency_key <> '' "
      "AND year <> '' ORDER BY agency_key, year, relpath");
  while (k.step())
    if (present(k.text(0)) && (keys.empty() || keys.back().agency_key != k.text(1)))
      keys.push_back({k.text(0), k.text(1), k.text(2), "", {}});
  std::vector<Finding> hints = alias_hints(keys);
  out.insert(out.end(), std::make_move_iterator(hints.begin()), std::make_move_iterator(hints.end()));
  return out;
}

void store_findings(sqlite3 *db, const std::vector<Finding> &findings) {
  exec(db, "BEGIN IMMEDIATE");
  try {
    exec(db, "DELETE FROM cross_year");
    Q ins(db,
          "INSERT INTO cross_year (kind, agency, identity, instance, previous_file, previous_year, previous_cells, "
          "file, year, cells, expected, actual, note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (const Finding &f : findings) {
      ins.reset();
      const auto fields = finding_fields(f);
      for (size_t i = 0; i < fields.size(); ++i) ins.bind(static_cast<int>(i + 1), fields[i]);
      ins.step();
    }
    exec(db, "COMMIT");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<Finding> load_findings(sqlite3 *db) {
  std::vector<Finding> out;
  Q q(db,
      "SELECT kind, agency, identity, instance, previous_file, previous_year, previous_cells, file, year, cells, "
      "expected, actual, note FROM cross_year ORDER BY rowid");
  while (q.step())
    out.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6), q.text(7), q.text(8),
                   q.text(9), q.text(10), q.text(11), q.text(12)});
  return out;
}

void print_status(sqlite3 *db, std::ostream &out) { print_findings(load_findings(db), out); }

void set_info(sqlite3 *db, const std::map<std::string, std::string> &info) {
  Q ins(db, "INSERT OR REPLACE INTO run_info (key, value) VALUES (?, ?)");
  for (const auto &[k, v] : info) {
    ins.reset();
    ins.bind(1, k).bind(2, v);
    ins.step();
  }
}

std::map<std::string, std::string> get_info(sqlite3 *db) {
  std::map<std::string, std::string> out;
  Q q(db, "SELECT key, value FROM run_info");
  while (q.step()) out[q.text(0)] = q.text(1);
  return out;
}

void write_result(pugi::xml_node result, const std::string &agency_key, const std::vector<Cell> &cells) {
  result.append_attribute("agency-key") = agency_key.c_str();
  for (const Cell &c : cells) {
    auto n = result.append_child("cross-cell");
    n.append_attribute("table") = c.table.c_str();
    n.append_attribute("row") = c.row.c_str();
    n.append_attribute("column") = c.column.c_str();
    n.append_attribute("label") = c.label.c_str();
    n.append_attribute("value") = c.value.c_str();
    n.append_attribute("state") = c.state.c_str();
    n.append_attribute("number") = c.number.c_str();
    n.append_attribute("line") = c.line;
  }
}

void read_result(const pugi::xml_node &result, std::string &agency_key, std::vector<Cell> &cells) {
  agency_key = result.attribute("agency-key").as_string();
  for (auto n : result.children("cross-cell"))
    cells.push_back({n.attribute("table").as_string(), n.attribute("row").as_string(),
                     n.attribute("column").as_string(), n.attribute("label").as_string(),
                     n.attribute("value").as_string(), n.attribute("state").as_string(),
                     n.attribute("number").as_string(), n.attribute("line").as_int()});
}

}  // namespace docpipe::across
