// The job ledger: an SQLite database in the output folder with one row per
// input (content hash, plugin, template, verdict, status, error, outputs,
// timings) and the identity violations. WAL mode, synchronous=NORMAL; the
// runner writes from one thread and commits in batches.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace docpipe::runner {

struct Stmt;
struct PutStatements;

struct Violation {
  std::string identity, table, row, column, expected, actual;
};

struct InputRecord {
  std::string relpath;
  std::string content_hash;
  std::string pipeline_hash;                          // pipeline definition + docpipe version + templates
  std::string status;                                 // done | failed
  std::string plugin, template_id, verdict, reasons;  // reasons: '; '-joined
  std::string title, agency, year;
  std::string error;
  std::vector<std::string> outputs;  // paths relative to the output folder
  double seconds = 0;
  std::string finished_at;           // ISO 8601 UTC
  int64_t size = -1, mtime_ns = -1;  // the file when its content_hash was taken (-1: unknown)
  std::vector<Violation> violations;
  // A done input's template cells, encoded (runner/cells.hpp: view_cells()
  // reads them without a copy); read from the ledger only when asked for.
  std::string cells;
  std::string agency_key;  // across::agency_key (docs/cross-year.md)
};

class Ledger {
 public:
  // Opens (creating) the ledger and checks it (PRAGMA quick_check); throws
  // docpipe::Error(io_error) with SQLite's reason, and for a damaged ledger
  // says so and how to recover. Any SQLite error later, reading or writing,
  // throws too: an error never reads as "no row".
  // `check`: false for a second connection to a ledger already checked.
  explicit Ledger(const std::filesystem::path &file, bool check = true);
  ~Ledger();
  Ledger(const Ledger &) = delete;
  Ledger &operator=(const Ledger &) = delete;

  // With its violations, and its template cells when `with_cells`.
  std::optional<InputRecord> find(const std::string &relpath, bool with_cells = false) const;
  std::vector<InputRecord> all() const;  // ordered by relpath

  // Calls f(record) for every input in relpath order, one at a time, so a
  // pass over 100,000 inputs holds one of them in memory. `with_cells`:
  // each with its template cells (InputRecord::cells).
  void for_each(const std::function<void(const InputRecord &)> &f, bool with_cells = false) const;

  // The inputs recorded that are no longer in the input folder;
  // relpath_at(0..n-1) lists the present ones in sorted order.
  std::vector<std::string> absent(size_t n, const std::function<std::string_view(size_t)> &relpath_at) const;

  // Forgets inputs (once their outputs are removed): the ledger describes
  // the inputs present at the last run.
  void forget(const std::vector<std::string> &relpaths);

  // Writes records in one transaction (BEGIN IMMEDIATE … COMMIT); a record
  // written is no longer in flight.
  void put(const std::vector<InputRecord> &records);

  // The inputs a run hands to its workers, recorded before the first one
  // starts (replacing the list): after a kill, the files they may have
  // written that no record lists are found by their names and removed.
  void set_in_flight(const std::vector<std::string> &relpaths);
  std::vector<std::string> in_flight() const;

  // Records the size and modification time of inputs whose content was
  // hashed again and found unchanged (a `touch`, a copy), so the next run
  // need not read them.
  struct StatUpdate {
    std::string relpath;
    int64_t size, mtime_ns;
  };
  void update_stat(const std::vector<StatUpdate> &updates);

  // The output paths a ledger (damaged, set aside) lists, as far as they can
  // still be read; errors end the reading quietly.
  sqlite3 *handle() const { return db_; }  // for the cross-year tables (across/store.hpp)

  static std::vector<std::string> salvage_outputs(const std::filesystem::path &file);

 private:
  void exec(const char *sql) const;
  sqlite3 *db_ = nullptr;
  mutable std::unique_ptr<Stmt> find_, find_violations_, find_cells_;  // find(), prepared once
  std::unique_ptr<PutStatements> put_;                                 // put()'s, prepared once
  std::filesystem::path file_;
};

}  // namespace docpipe::runner
