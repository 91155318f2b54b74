#include "across/merge.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstring>
#include <docpipe/sdk/text.hpp>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "across/shard.hpp"
#include "across/store.hpp"
#include "error.hpp"
#include "runner/combined.hpp"
#include "runner/ledger.hpp"

namespace docpipe::across {
namespace fs = std::filesystem;

namespace {

std::string shown(const fs::path &p) { return sdk::escape_bytes(p.string()); }

void exec(sqlite3 *db, const std::string &sql, const fs::path &where) {
  char *err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err != nullptr ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    throw Error(ExitCode::io_error, shown(where) + ": cannot merge its ledger: " + why);
  }
}

std::string quoted(const std::string &s) {  // an SQL string literal
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
  return q + "'";
}

// A report's file into OUT: a hard link when possible (same file system),
// else a copy; written under a temporary name and renamed into place.
void place(const fs::path &from, const fs::path &to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  const fs::path tmp = to.parent_path() / ("." + to.filename().string() + ".tmp-" + std::to_string(getpid()));
  fs::remove(tmp, ec);
  fs::create_hard_link(from, tmp, ec);
  if (ec) {
    ec.clear();
    fs::copy_file(from, tmp, fs::copy_options::overwrite_existing, ec);
  }
  if (!ec) fs::rename(tmp, to, ec);
  if (ec) {
    std::error_code ignore;
    fs::remove(tmp, ignore);
    throw Error(ExitCode::cant_create, shown(to) + ": cannot be written from " + shown(from) + ": " + ec.message());
  }
}

constexpr const char *kInputColumns =
    "relpath, content_hash, pipeline_hash, status, plugin, template, verdict, reasons, title, agency, year, error, "
    "outputs, seconds, finished_at, size, mtime_ns, agency_key";

}  // namespace

int run_merge(const Engine &engine, const std::vector<fs::path> &shard_dirs, const fs::path &out_arg) {
  if (shard_dirs.empty()) throw Error(ExitCode::usage, "merge: no shard folder given");
  // Every shard folder holds a run's ledger, and together they are the N
  // shards of one run: same N, each index once, the same templates and
  // combined outputs.
  struct ShardInfo {
    fs::path dir, ledger;
    Shard shard;
    std::map<std::string, std::string> info;
  };
  std::vector<ShardInfo> shards;
  const std::string digest = templates_digest(engine.templates());
  std::error_code ec;
  for (const fs::path &d : shard_dirs) {
    ShardInfo s;
    s.dir = fs::canonical(d, ec);
    if (ec) throw Error(ExitCode::no_input, shown(d) + ": " + ec.message());
    s.ledger = s.dir / ".docpipe" / "ledger.sqlite";
    if (!fs::exists(s.ledger, ec))
      throw Error(ExitCode::no_input, shown(d) + ": no ledger here (not a run's output folder)");
    runner::Ledger l(s.ledger);
    s.info = get_info(l.handle());
    if (s.info.count("shard") == 0)
      throw Error(ExitCode::config,
                  shown(d) + ": its ledger does not say which shard it is (run it again with this docpipe)");
    s.shard = parse_shard(s.info["shard"]);
    for (const char *k : {"values", "summary", "templates", "pipeline"})
      s.info[k];  // (present, "" when never recorded)
    if (s.info["templates"] != digest)
      throw Error(ExitCode::config, shown(d) + ": converted with other templates than this docpipe's (" +
                                        shown(default_formats_dir()) + " or --formats-dir); run it again");
    shards.push_back(std::move(s));
  }
  const unsigned n = shards.front().shard.count;
  std::map<unsigned, const ShardInfo *> by_index;
  for (const ShardInfo &s : shards) {
    if (s.shard.count != n)
      throw Error(ExitCode::config, shown(s.dir) + " is shard " + s.shard.text() + ", " + shown(shards.front().dir) +
                                        " shard " + shards.front().shard.text() + ": not shards of one run");
    if (const auto [it, fresh] = by_index.emplace(s.shard.index, &s); !fresh)
      throw Error(ExitCode::config,
                  shown(s.dir) + " and " + shown(it->second->dir) + " are both shard " + s.shard.text());
    for (const char *k : {"values", "summary"})
      if (s.info.at(k) != shards.front().info.at(k))
        throw Error(ExitCode::config, shown(s.dir) + " and " + shown(shards.front().dir) +
                                          " have other combined outputs (<combined> of the pipeline)");
    if (s.info.at("pipeline") != shards.front().info.at("pipeline"))
      throw Error(ExitCode::config, shown(s.dir) + " and " + shown(shards.front().dir) +
                                        " were run with other pipelines, plugins, aliases or docpipe versions");
  }
  for (unsigned i = 0; i < n; ++i)
    if (by_index.count(i) == 0)
      throw Error(ExitCode::config, "merge: shard " + std::to_string(i) + "/" + std::to_string(n) +
                                        " is missing (give the output folders of all " + std::to_string(n) +
                                        " shards)");

  fs::create_directories(out_arg / ".docpipe", ec);
  if (ec) throw Error(ExitCode::cant_create, shown(out_arg) + ": cannot create the output folder: " + ec.message());
  const fs::path out = fs::canonical(out_arg);
  for (const ShardInfo &s : shards)
    if (s.dir == out) throw Error(ExitCode::usage, "merge: the output folder " + shown(out) + " is one of the shards");
  const int lock = ::open((out / ".docpipe" / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0) throw Error(ExitCode::cant_create, shown(out) + ": cannot create the lock: " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{lock};
  if (::flock(lock, LOCK_EX | LOCK_NB) != 0)
    throw Error(ExitCode::temp_failure, shown(out) + ": another run or merge holds the lock; retry later");

  // The merged ledger, built aside and renamed into place.
  const fs::path ledger_file = out / ".docpipe" / "ledger.sqlite";
  const fs::path building = out / ".docpipe" / "ledger.sqlite.merging";
  for (const char *suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(building.string() + suffix, ec);
  std::set<std::string> before;  // what an earlier run or merge left in OUT
  if (fs::exists(ledger_file, ec))
    for (auto &f : runner::Ledger::salvage_outputs(ledger_file)) before.insert(std::move(f));
  std::set<std::string> now;
  {
    runner::Ledger merged(building);
    sqlite3 *db = merged.handle();
    for (const auto &[index, s] : by_index) {
      exec(db, "ATTACH DATABASE " + quoted(s->ledger.string()) + " AS shard", s->ledger);
      try {
        sqlite3_stmt *q = nullptr;
        sqlite3_prepare_v2(
            db, "SELECT relpath FROM shard.inputs WHERE relpath IN (SELECT relpath FROM main.inputs) LIMIT 1", -1, &q,
            nullptr);
        std::string twice;
        if (q != nullptr && sqlite3_step(q) == SQLITE_ROW)
          twice = reinterpret_cast<const char *>(sqlite3_column_text(q, 0));
        sqlite3_finalize(q);
        if (!twice.empty())
          throw Error(ExitCode::config, shown(s->dir) + ": input " + sdk::escape_bytes(twice) +
                                            " is in another shard too: the shards are not of one run");
        exec(db, "BEGIN", s->ledger);
        exec(db,
             std::string("INSERT INTO main.inputs (") + kInputColumns + ") SELECT " + kInputColumns +
                 " FROM shard.inputs ORDER BY relpath",
             s->ledger);
        exec(db,
             "INSERT INTO main.violations (relpath, identity, tbl, row, col, expected, actual) SELECT relpath, "
             "identity, tbl, row, col, expected, actual FROM shard.violations ORDER BY relpath, rowid",
             s->ledger);
        exec(db, "INSERT INTO main.cells (relpath, data) SELECT relpath, data FROM shard.cells ORDER BY relpath",
             s->ledger);
        exec(db, "COMMIT", s->ledger);
      } catch (...) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_exec(db, "DETACH DATABASE shard", nullptr, nullptr, nullptr);
        throw;
      }
      exec(db, "DETACH DATABASE shard", s->ledger);
      // The shard's report files into OUT.
      runner::Ledger l(s->ledger, /*check=*/false);
      l.for_each([&](const runner::InputRecord &r) {
        for (const auto &f : r.outputs) {
          place(s->dir / f, out / f);
          now.insert(f);
        }
      });
    }
    set_info(db, {{"shard", "0/1"},
                  {"values", shards.front().info["values"]},
                  {"summary", shards.front().info["summary"]},
                  {"templates", digest},
                  {"pipeline", shards.front().info["pipeline"]},
                  {"merged-from", std::to_string(n) + " shards"}});
  }
  for (const char *suffix : {"-wal", "-shm"}) fs::remove(ledger_file.string() + suffix, ec);
  fs::rename(building, ledger_file, ec);
  if (ec) throw Error(ExitCode::cant_create, shown(ledger_file) + ": cannot be written: " + ec.message());
  for (const auto &f : before)  // files of an earlier run or merge that no shard lists
    if (now.count(f) == 0) fs::remove(out / f, ec);

  // The combined outputs and cross-year checks, from the merged ledger, as `run` builds them.
  runner::Ledger ledger(ledger_file, /*check=*/false);
  const std::string values = shards.front().info["values"], summary = shards.front().info["summary"];
  size_t inputs = 0, failed = 0;
  const std::vector<Finding> findings =
      check_ledger(ledger.handle(), engine.templates(), engine.cross_year(), [](const std::string &) { return true; });
  if (!values.empty() || !summary.empty()) {
    fs::create_directories(out / ".docpipe" / "tmp", ec);  // libxlsxwriter's staging folder, as in a run
    runner::CombinedOutputs combined(out, values.empty() ? fs::path() : out / values,
                                     summary.empty() ? fs::path() : out / summary, engine.templates());
    ledger.for_each([&](const runner::InputRecord &r) { combined.add(r); }, /*with_cells=*/true);
    combined.add_cross_year(findings);
    combined.commit();
    fs::remove_all(out / ".docpipe" / "tmp", ec);
  }
  ledger.for_each([&](const runner::InputRecord &r) {
    ++inputs;
    failed += r.status != "done";
  });
  store_findings(ledger.handle(), findings);
  size_t fails = 0;
  for (const Finding &f : findings) fails += f.kind == "fail";
  std::cout << nlohmann::ordered_json{{"merged", n},
                                      {"inputs", inputs},
                                      {"failed", failed},
                                      {"cross_year_failures", fails},
                                      {"output", shown(out)}}
                   .dump()
            << "\n";
  return failed > 0 ? static_cast<int>(ExitCode::some_failed) : 0;
}

}  // namespace docpipe::across
