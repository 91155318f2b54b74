#include "runner/ledger.hpp"

#include <memory>

#include "across/store.hpp"
#include "error.hpp"

namespace docpipe::runner {

namespace {

constexpr const char *kRecovery =
    "move it aside and start afresh with `docpipe run PIPELINE --output OUT --rebuild-ledger` (every input is "
    "converted again and the outputs the old ledger listed are removed)";

// SQLite's result codes that mean the file is not (or no longer) a sound database.
bool damaged(int rc) {
  rc &= 0xff;
  return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

[[noreturn]] void fail(sqlite3 *db, int rc, const std::filesystem::path &file) {
  const std::string why = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (damaged(rc))
    throw Error(ExitCode::io_error, file.string() + ": the ledger is damaged (" + why + "); " + kRecovery);
  throw Error(ExitCode::io_error, file.string() + ": ledger: " + why);
}

}  // namespace

// A prepared statement, finalised with its owner. step() is true for a row,
// false at the end, and throws on any error: an error is never "no row".
struct Stmt {
  sqlite3 *db = nullptr;
  const std::filesystem::path *file = nullptr;
  sqlite3_stmt *s = nullptr;
  Stmt(sqlite3 *d, const std::filesystem::path &f, const char *sql) : db(d), file(&f) {
    const int rc = sqlite3_prepare_v2(db, sql, -1, &s, nullptr);
    if (rc != SQLITE_OK) fail(db, rc, *file);
  }
  ~Stmt() { sqlite3_finalize(s); }
  bool step() {
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db, rc, *file);
  }
  void reset() { sqlite3_reset(s); }
  void bind(int i, const std::string &v) {
    sqlite3_bind_text(s, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  // Without a copy: `v` must stay as it is until the statement has been stepped.
  void bind_static(int i, std::string_view v) {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void bind(int i, double v) { sqlite3_bind_double(s, i, v); }
  std::string text(int i) const {
    const auto *t = sqlite3_column_text(s, i);
    return t == nullptr ? "" : reinterpret_cast<const char *>(t);
  }
};

namespace {

constexpr const char *kSchema = R"sql(
CREATE TABLE IF NOT EXISTS inputs (
  relpath TEXT PRIMARY KEY,
  content_hash TEXT NOT NULL,
  pipeline_hash TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
  plugin TEXT, template TEXT, verdict TEXT, reasons TEXT,
  title TEXT, agency TEXT, year TEXT,
  error TEXT,
  outputs TEXT,          -- newline-separated, relative to the output folder
  seconds REAL,
  finished_at TEXT,
  size INTEGER,          -- the file's size and modification time when it was
  mtime_ns INTEGER       -- hashed: unchanged, the content need not be read again
);
CREATE TABLE IF NOT EXISTS violations (
  relpath TEXT NOT NULL REFERENCES inputs(relpath) ON DELETE CASCADE,
  identity TEXT, tbl TEXT, row TEXT, col TEXT, expected TEXT, actual TEXT
);
CREATE INDEX IF NOT EXISTS violations_by_input ON violations(relpath);
-- A done input's template cells (runner/cells.hpp), from which the combined
-- outputs are built: an unchanged input keeps them across runs.
CREATE TABLE IF NOT EXISTS cells (
  relpath TEXT PRIMARY KEY REFERENCES inputs(relpath) ON DELETE CASCADE,
  data BLOB NOT NULL
);
-- Inputs handed to workers and not yet recorded: after a kill, what they
-- may have written is not in `inputs`, and the next run clears it.
CREATE TABLE IF NOT EXISTS in_flight (relpath TEXT PRIMARY KEY);
)sql";

std::string join_lines(const std::vector<std::string> &v) {
  std::string out;
  for (const auto &s : v) out += (out.empty() ? "" : "\n") + s;
  return out;
}

std::vector<std::string> split_lines(const std::string &s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

}  // namespace

Ledger::Ledger(const std::filesystem::path &file, bool check) : file_(file) {
  const int rc =
      sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw Error(ExitCode::io_error, file.string() + ": cannot open the ledger: " + why);
  }
  try {
    sqlite3_busy_timeout(db_, 10000);
    // Pages freed when an input's cells are replaced go back to the file
    // system at each commit (set before the first table of a new ledger).
    exec("PRAGMA auto_vacuum=FULL");
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec("PRAGMA foreign_keys=ON");
    // A damaged ledger would read as rows missing (inputs converted again)
    // or as an empty one: it is checked once when opened (b-tree pages,
    // records, uniqueness; O(size), no index cross-check).
    if (check) {
      Stmt q(db_, file_, "PRAGMA quick_check(1)");
      if (q.step() && q.text(0) != "ok")
        throw Error(ExitCode::io_error,
                    file.string() + ": the ledger is damaged (quick_check: " + q.text(0) + "); " + kRecovery);
    }
    exec(kSchema);
    // Ledgers written before the stat columns existed get them (empty: their
    // inputs are hashed once more at the next run).
    bool has_size = false;
    {
      Stmt q(db_, file_, "PRAGMA table_info(inputs)");
      while (q.step()) has_size = has_size || q.text(1) == "size";
    }
    if (!has_size) exec("ALTER TABLE inputs ADD COLUMN size INTEGER; ALTER TABLE inputs ADD COLUMN mtime_ns INTEGER;");
    // Cross-year data (across/store.hpp); older ledgers get the agency key column.
    bool has_key = false;
    {
      Stmt q(db_, file_, "PRAGMA table_info(inputs)");
      while (q.step()) has_key = has_key || q.text(1) == "agency_key";
    }
    if (!has_key) exec("ALTER TABLE inputs ADD COLUMN agency_key TEXT");
    exec(across::kLedgerSchema);
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

// put()'s statements: a run puts a batch of results every 64 of them.
struct PutStatements {
  Stmt input, del_violations, violation, landed, del_cells, cells;
  PutStatements(sqlite3 *db, const std::filesystem::path &file, const std::string &insert_input)
      : input(db, file, insert_input.c_str()),
        del_violations(db, file, "DELETE FROM violations WHERE relpath = ?"),
        violation(db, file,
                  "INSERT INTO violations (relpath, identity, tbl, row, col, expected, actual) VALUES (?,?,?,?,?,?,?)"),
        landed(db, file, "DELETE FROM in_flight WHERE relpath = ?"),
        del_cells(db, file, "DELETE FROM cells WHERE relpath = ?"),
        cells(db, file, "INSERT INTO cells (relpath, data) VALUES (?, ?)") {}
};

Ledger::~Ledger() {
  find_.reset();  // statements before the connection
  find_violations_.reset();
  find_cells_.reset();
  put_.reset();
  sqlite3_close(db_);
}

void Ledger::exec(const char *sql) const {
  char *err = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) fail(db_, rc, file_);
}

namespace {
InputRecord read_row(const Stmt &q) {
  InputRecord r;
  r.relpath = q.text(0);
  r.content_hash = q.text(1);
  r.pipeline_hash = q.text(2);
  r.status = q.text(3);
  r.plugin = q.text(4);
  r.template_id = q.text(5);
  r.verdict = q.text(6);
  r.reasons = q.text(7);
  r.title = q.text(8);
  r.agency = q.text(9);
  r.year = q.text(10);
  r.error = q.text(11);
  r.outputs = split_lines(q.text(12));
  r.seconds = sqlite3_column_double(q.s, 13);
  r.finished_at = q.text(14);
  r.size = sqlite3_column_type(q.s, 15) == SQLITE_NULL ? -1 : sqlite3_column_int64(q.s, 15);
  r.mtime_ns = sqlite3_column_type(q.s, 16) == SQLITE_NULL ? -1 : sqlite3_column_int64(q.s, 16);
  r.agency_key = q.text(17);
  return r;
}
constexpr const char *kColumns =
    "relpath, content_hash, pipeline_hash, status, plugin, template, verdict, reasons, title, agency, year, error, "
    "outputs, seconds, finished_at, size, mtime_ns, agency_key";
}  // namespace

std::optional<InputRecord> Ledger::find(const std::string &relpath, bool with_cells) const {
  // Prepared once: a run looks up every input.
  if (!find_)
    find_ = std::make_unique<Stmt>(db_, file_,
                                   (std::string("SELECT ") + kColumns + " FROM inputs WHERE relpath = ?").c_str());
  Stmt &q = *find_;
  q.reset();
  q.bind(1, relpath);
  if (!q.step()) return std::nullopt;
  InputRecord r = read_row(q);
  q.reset();  // a statement left on a row keeps a read transaction open, and a later write on this connection fails
  if (!find_violations_)
    find_violations_ = std::make_unique<Stmt>(
        db_, file_,
        "SELECT identity, tbl, row, col, expected, actual FROM violations WHERE relpath = ? ORDER BY rowid");
  Stmt &v = *find_violations_;
  v.reset();
  v.bind(1, relpath);
  while (v.step()) r.violations.push_back({v.text(0), v.text(1), v.text(2), v.text(3), v.text(4), v.text(5)});
  if (with_cells) {
    if (!find_cells_) find_cells_ = std::make_unique<Stmt>(db_, file_, "SELECT data FROM cells WHERE relpath = ?");
    Stmt &c = *find_cells_;
    c.reset();
    c.bind(1, relpath);
    if (c.step())
      r.cells.assign(static_cast<const char *>(sqlite3_column_blob(c.s, 0)),
                     static_cast<size_t>(sqlite3_column_bytes(c.s, 0)));
    c.reset();
  }
  return r;
}

void Ledger::update_stat(const std::vector<StatUpdate> &updates) {
  if (updates.empty()) return;
  exec("BEGIN IMMEDIATE");
  try {
    Stmt up(db_, file_, "UPDATE inputs SET size = ?, mtime_ns = ? WHERE relpath = ?");
    for (const auto &u : updates) {
      up.reset();
      sqlite3_bind_int64(up.s, 1, u.size);
      sqlite3_bind_int64(up.s, 2, u.mtime_ns);
      up.bind(3, u.relpath);
      up.step();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<InputRecord> Ledger::all() const {
  std::vector<InputRecord> out;
  Stmt q(db_, file_, (std::string("SELECT ") + kColumns + " FROM inputs ORDER BY relpath").c_str());
  while (q.step()) out.push_back(read_row(q));
  Stmt v(db_, file_,
         "SELECT relpath, identity, tbl, row, col, expected, actual FROM violations ORDER BY relpath, rowid");
  size_t i = 0;
  while (v.step()) {
    const std::string rel = v.text(0);
    while (i < out.size() && out[i].relpath < rel) ++i;
    if (i < out.size() && out[i].relpath == rel)
      out[i].violations.push_back({v.text(1), v.text(2), v.text(3), v.text(4), v.text(5), v.text(6)});
  }
  return out;
}

void Ledger::for_each(const std::function<void(const InputRecord &)> &f, bool with_cells) const {
  Stmt q(db_, file_, (std::string("SELECT ") + kColumns + " FROM inputs ORDER BY relpath").c_str());
  Stmt v(db_, file_,
         "SELECT identity, tbl, row, col, expected, actual FROM violations WHERE relpath = ? ORDER BY rowid");
  Stmt c(db_, file_, "SELECT data FROM cells WHERE relpath = ?");
  while (q.step()) {
    InputRecord r = read_row(q);
    v.reset();
    v.bind(1, r.relpath);
    while (v.step()) r.violations.push_back({v.text(0), v.text(1), v.text(2), v.text(3), v.text(4), v.text(5)});
    if (with_cells) {
      c.reset();
      c.bind(1, r.relpath);
      if (c.step())
        r.cells.assign(static_cast<const char *>(sqlite3_column_blob(c.s, 0)),
                       static_cast<size_t>(sqlite3_column_bytes(c.s, 0)));
    }
    f(r);
  }
}

std::vector<std::string> Ledger::absent(size_t n, const std::function<std::string_view(size_t)> &relpath_at) const {
  std::vector<std::string> gone;
  Stmt q(db_, file_, "SELECT relpath FROM inputs ORDER BY relpath");
  size_t k = 0;
  while (q.step()) {
    const std::string rel = q.text(0);
    while (k < n && relpath_at(k) < rel) ++k;
    if (k == n || relpath_at(k) != rel) gone.push_back(rel);
  }
  return gone;
}

void Ledger::forget(const std::vector<std::string> &relpaths) {
  if (relpaths.empty()) return;
  exec("BEGIN IMMEDIATE");
  try {
    Stmt del(db_, file_, "DELETE FROM inputs WHERE relpath = ?");
    Stmt del_cells(db_, file_, "DELETE FROM cells WHERE relpath = ?");
    Stmt landed(db_, file_, "DELETE FROM in_flight WHERE relpath = ?");
    for (const auto &rel : relpaths) {
      del_cells.reset();
      del_cells.bind(1, rel);
      del_cells.step();
      del.reset();
      del.bind(1, rel);
      del.step();
      landed.reset();
      landed.bind(1, rel);
      landed.step();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void Ledger::set_in_flight(const std::vector<std::string> &relpaths) {
  exec("BEGIN IMMEDIATE");
  try {
    exec("DELETE FROM in_flight");
    Stmt ins(db_, file_, "INSERT OR IGNORE INTO in_flight (relpath) VALUES (?)");
    for (const auto &rel : relpaths) {
      ins.reset();
      ins.bind(1, rel);
      ins.step();
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<std::string> Ledger::in_flight() const {
  std::vector<std::string> out;
  Stmt q(db_, file_, "SELECT relpath FROM in_flight ORDER BY relpath");
  while (q.step()) out.push_back(q.text(0));
  return out;
}

void Ledger::put(const std::vector<InputRecord> &records) {
  if (records.empty()) return;
  auto unbind = [this] {
    if (put_)
      for (Stmt *st :
           {&put_->input, &put_->del_violations, &put_->violation, &put_->landed, &put_->del_cells, &put_->cells})
        sqlite3_clear_bindings(st->s);
  };
  exec("BEGIN IMMEDIATE");
  try {
    if (!put_)
      put_ = std::make_unique<PutStatements>(
          db_, file_,
          std::string("INSERT OR REPLACE INTO inputs (") + kColumns + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    Stmt &ins = put_->input, &del = put_->del_violations, &vio = put_->violation, &landed = put_->landed,
         &del_cells = put_->del_cells, &put_cells = put_->cells;
    // The record's texts outlive each step: bound without copies (and
    // unbound before put() returns: no statement keeps a pointer into them).
    for (const auto &r : records) {
      landed.reset();
      landed.bind_static(1, r.relpath);
      landed.step();
      del.reset();
      del.bind_static(1, r.relpath);
      del.step();
      del_cells.reset();
      del_cells.bind_static(1, r.relpath);
      del_cells.step();
      ins.reset();
      const std::string outputs = join_lines(r.outputs);
      const std::string_view fields[] = {r.relpath,     r.content_hash, r.pipeline_hash, r.status, r.plugin,
                                         r.template_id, r.verdict,      r.reasons,       r.title,  r.agency,
                                         r.year,        r.error,        outputs};
      for (int i = 0; i < 13; ++i) ins.bind_static(i + 1, fields[i]);
      ins.bind(14, r.seconds);
      ins.bind(15, r.finished_at);
      for (int i : {16, 17}) {
        const int64_t v = i == 16 ? r.size : r.mtime_ns;
        if (v < 0)
          sqlite3_bind_null(ins.s, i);
        else
          sqlite3_bind_int64(ins.s, i, v);
      }
      ins.bind_static(18, r.agency_key);
      ins.step();
      for (const auto &v : r.violations) {
        vio.reset();
        const std::string_view vf[] = {r.relpath, v.identity, v.table, v.row, v.column, v.expected, v.actual};
        for (int i = 0; i < 7; ++i) vio.bind_static(i + 1, vf[i]);
        vio.step();
      }
      if (r.status == "done") {
        put_cells.reset();
        put_cells.bind_static(1, r.relpath);
        sqlite3_bind_blob(put_cells.s, 2, r.cells.data(), static_cast<int>(r.cells.size()), SQLITE_STATIC);
        put_cells.step();
      }
    }
    unbind();
    exec("COMMIT");
  } catch (...) {
    unbind();
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace docpipe::runner

namespace docpipe::runner {

std::vector<std::string> Ledger::salvage_outputs(const std::filesystem::path &file) {
  std::vector<std::string> out;
  sqlite3 *db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt *q = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT outputs FROM inputs", -1, &q, nullptr) == SQLITE_OK)
      while (sqlite3_step(q) == SQLITE_ROW) {
        const auto *t = sqlite3_column_text(q, 0);
        for (auto &f : split_lines(t == nullptr ? "" : reinterpret_cast<const char *>(t))) out.push_back(std::move(f));
      }
    sqlite3_finalize(q);
  }
  sqlite3_close(db);
  return out;
}

}  // namespace docpipe::runner
