#include "across/store.hpp"

#include <algorithm>
#include <charconv>
#include <docpipe/sdk/text.hpp>
#include <functional>
#include <optional>

#include "error.hpp"

namespace docpipe::across {

const char *const kLedgerSchema = R"sql(
-- The cells the checks read are found in each input's template cells (the
-- runner's table cells); ledgers of before kept a copy of them here.
DROP TABLE IF EXISTS report_cells;
CREATE TABLE IF NOT EXISTS cross_year (
  kind TEXT, agency TEXT, identity TEXT, instance TEXT,
  previous_file TEXT, previous_year TEXT, previous_cells TEXT,
  file TEXT, year TEXT, cells TEXT, expected TEXT, actual TEXT, note TEXT
);
CREATE TABLE IF NOT EXISTS run_info (key TEXT PRIMARY KEY, value TEXT);
-- The reports of an agency in year order: the checks and the alias hints
-- walk and look up agencies without sorting the whole ledger.
CREATE INDEX IF NOT EXISTS inputs_by_agency ON inputs(agency_key, year, relpath);
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

void referenced_cells(const ReferencedLabels &labels, std::string_view template_id,
                      const std::vector<runner::CellView> &views, std::vector<Cell> &out) {
  std::string_view row;  // the last row seen (a row's cells come together, its label at one address)
  bool row_read = false;
  for (const runner::CellView &c : views) {
    if (c.row.data() != row.data() || c.row.size() != row.size()) {
      row = c.row;
      row_read = labels.row_read(row);
    }
    if (!row_read || c.placement == "absent") continue;  // (absent: not in the source, the checks say so)
    const ReferencedLabels::Ids *ids = labels.find(template_id, c.table, c.row, c.column);
    if (ids == nullptr) continue;
    int line = 0;
    std::from_chars(c.source_line.data(), c.source_line.data() + c.source_line.size(), line);
    std::string label(c.table);
    label.append(" / ").append(c.row).append(" / ").append(c.column);
    out.push_back({ids->table, ids->row, ids->column, std::move(label), std::string(c.value), std::string(c.state),
                   std::string(c.number), line});
  }
}

std::vector<Finding> check_ledger(sqlite3 *db, const std::vector<templates::Template> &templates,
                                  const std::vector<Declaration> &declarations,
                                  const std::function<bool(const std::string &)> &present) {
  std::vector<Finding> out;
  const ReferencedLabels labels(templates, declarations);
  Q q(db,
      "SELECT relpath, agency_key, year, template FROM inputs WHERE status = 'done' AND template <> '' AND "
      "agency_key <> '' AND year <> '' ORDER BY agency_key, relpath");
  Q cells(db, "SELECT data FROM cells WHERE relpath = ?");
  std::vector<runner::CellView> views;
  std::vector<Report> group;
  auto flush = [&] {
    std::vector<Finding> f = check(group, declarations);
    out.insert(out.end(), std::make_move_iterator(f.begin()), std::make_move_iterator(f.end()));
    group.clear();
  };
  while (q.step()) {
    std::string rel = q.text(0);
    if (!present(rel)) continue;
    std::string key = q.text(1);
    if (!group.empty() && group.back().agency_key != key) flush();
    group.push_back({std::move(rel), std::move(key), q.text(2), q.text(3), {}});
    cells.reset();
    cells.bind(1, group.back().relpath);
    if (cells.step()) {
      runner::view_cells({static_cast<const char *>(sqlite3_column_blob(cells.s, 0)),
                          static_cast<size_t>(sqlite3_column_bytes(cells.s, 0))},
                         views);
      referenced_cells(labels, group.back().template_id, views, group.back().cells);
    }
  }
  cells.reset();
  flush();
  // Names that may be one agency: the first present report of each key,
  // streamed from the ledger (memory stays flat however many agencies there
  // are; a hash of each key tells which ones to look up).
  constexpr const char *kCheckable =
      "SELECT relpath, agency_key, year FROM inputs WHERE status = 'done' AND template <> '' AND agency_key <> '' "
      "AND year <> ''";
  Q k(db, (std::string(kCheckable) + " ORDER BY agency_key, year, relpath").c_str());
  auto each_key = [&](const KeyVisit &visit) {
    k.reset();
    KeyFirst last;
    while (k.step())
      if (std::string key = k.text(1); key != last.agency_key && present(k.text(0))) {
        last = {std::move(key), k.text(0), k.text(2)};
        visit(last);
      }
  };
  std::vector<size_t> hashes;
  each_key([&](const KeyFirst &f) { hashes.push_back(std::hash<std::string>()(f.agency_key)); });
  std::sort(hashes.begin(), hashes.end());
  Q one(db, (std::string(kCheckable) + " AND agency_key = ? ORDER BY year, relpath").c_str());
  auto first_of = [&](const std::string &key) -> std::optional<KeyFirst> {
    if (!std::binary_search(hashes.begin(), hashes.end(), std::hash<std::string>()(key))) return std::nullopt;
    one.reset();
    one.bind(1, key);
    while (one.step())
      if (present(one.text(0))) return KeyFirst{key, one.text(0), one.text(2)};
    return std::nullopt;
  };
  std::vector<Finding> hints = alias_hints(each_key, first_of);
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

}  // namespace docpipe::across
