#include "runner/runner.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "across/store.hpp"
#include "error.hpp"
#include "runner/combined.hpp"
#include "runner/definition.hpp"
#include "runner/events.hpp"
#include "runner/ledger.hpp"
#include "runner/out_files.hpp"
#include "runner/plan.hpp"
#include "runner/worker_pool.hpp"

namespace docpipe::runner {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// Holds an exclusive flock on OUTDIR/.docpipe/lock for the life of the run:
// two scheduled runs of the same output folder never overlap.
class RunLock {
 public:
  explicit RunLock(const fs::path &file) {
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
      throw Error(ExitCode::cant_create, file.string() + ": cannot create the lock: " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw Error(ExitCode::temp_failure, file.string() + ": another run holds the lock; retry later");
    }
  }
  ~RunLock() { ::close(fd_); }

 private:
  int fd_ = -1;
};

extern "C" void on_stop(int sig) { g_stop = sig; }

}  // namespace

int run_pipeline(const Engine &engine, const RunOptions &o) {
  const auto started = Clock::now();
  // Writing a job to a worker that just died must fail (EPIPE), not kill the run.
  ::signal(SIGPIPE, SIG_IGN);
  const Pipeline p = load_pipeline(o.pipeline_file, engine.plugins(), o.input_override);
  std::error_code ec;
  fs::create_directories(o.output_dir / ".docpipe", ec);
  if (ec)
    throw Error(ExitCode::cant_create, o.output_dir.string() + ": cannot create the output folder: " + ec.message());
  const fs::path out_dir = fs::canonical(o.output_dir);
  RunLock lock(out_dir / ".docpipe" / "lock");
  const fs::path ledger_file = out_dir / ".docpipe" / "ledger.sqlite";
  const fs::path set_aside = out_dir / ".docpipe" / "ledger.sqlite.damaged";
  if (o.rebuild_ledger && !o.dry_run) {
    // Start afresh: the old ledger (and its WAL) is kept aside for the
    // outputs it lists, which are removed at the end unless the new ledger has them.
    for (const char *suffix : {"", "-wal", "-shm"}) {
      const fs::path from = ledger_file.string() + suffix, to = set_aside.string() + suffix;
      fs::remove(to, ec);
      if (fs::exists(from, ec)) fs::rename(from, to, ec);
      if (ec) throw Error(ExitCode::io_error, from.string() + ": cannot be moved aside: " + ec.message());
    }
  }
  // (--dry-run --rebuild-ledger: what a rebuild would convert, that is everything; the ledger is left alone.)
  Ledger ledger(o.rebuild_ledger && o.dry_run ? fs::path(":memory:") : ledger_file);
  // The xlsx output plugin stages a workbook's parts here, not beside the outputs.
  const fs::path private_tmp = out_dir / ".docpipe" / "tmp";
  if (!o.dry_run) {
    remove_stale_temporaries(out_dir);
    fs::remove_all(private_tmp, ec);
    fs::create_directories(private_tmp, ec);
    ::setenv("DOCPIPE_TMPDIR", private_tmp.c_str(), 1);  // the workers inherit it
  }
  Plan plan;
  make_plan(engine, p, o, out_dir, ledger, private_tmp / "options-check", plan);
  const InputList &all = plan.all;
  const std::vector<uint32_t> &todo = plan.todo;
  const OutputOwners &owners = *plan.owners;
  const bool tty = isatty(2);

  if (o.dry_run) {
    put_json_line(std::cout, {{"pipeline", shown(p.name)},
                              {"inputs", all.size()},
                              {"would_convert", todo.size()},
                              {"up_to_date", all.size() - todo.size() - plan.known_failures},
                              {"known_failures", plan.known_failures},
                              {"skipped_entries", plan.skipped_entries}});
    return 0;
  }

  remove_unrecorded_outputs(out_dir, p, ledger, owners, all);
  {
    std::vector<std::string> handed_out;
    handed_out.reserve(todo.size());
    for (uint32_t k : todo) handed_out.emplace_back(all.at(k));
    ledger.set_in_flight(handed_out);
  }

  WorkerPool pool(p, o, out_dir, plan.corrections->files());
  const unsigned jobs = WorkerPool::jobs_for(o, todo.size());
  // SIGINT/SIGTERM: no new input is handed out; those under way finish and are recorded.
  g_stop = 0;
  struct sigaction stop {
  }, old_int{}, old_term{};
  stop.sa_handler = on_stop;
  stop.sa_flags = SA_RESTART;
  sigaction(SIGINT, &stop, &old_int);
  sigaction(SIGTERM, &stop, &old_term);
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<uint32_t, InputRecord>> pending;  // (index in `all`, result) not yet in the ledger
  const bool combining = !p.combined_values.empty() || !p.combined_summary.empty();
  std::map<uint32_t, InputRecord> settled;  // this run's results the combined outputs have not taken yet
  // The combined outputs take results in input order. When they fall behind
  // (a loaded machine), a worker's thread waits before it adds more than
  // kMaxSettled, so memory stays flat however many inputs there are; the
  // result the combiner waits for is always let in. No deadlock: jobs go
  // out in input order and each worker's queue is first in, first out, so
  // a thread held back has already delivered every earlier input.
  constexpr size_t kMaxSettled = 256;
  bool combiner_taking = combining;  // false once the combiner takes no more
  uint32_t combiner_wants = 0;       // the input it waits for
  size_t finished_workers = 0;
  Progress progress(todo.size());
  std::map<std::string, size_t> counts;

  // One writer: batches ledger commits (every 64 results or half a second).
  std::exception_ptr writer_error;
  bool writer_done = false;  // every result is in the ledger (the cross-year checks read them there)
  std::thread writer([&] {
    try {
      std::unique_lock<std::mutex> lk(mu);
      while (true) {
        cv.wait_for(lk, std::chrono::milliseconds(500),
                    [&] { return pending.size() >= 64 || finished_workers == jobs; });
        std::vector<std::pair<uint32_t, InputRecord>> results(std::make_move_iterator(pending.begin()),
                                                              std::make_move_iterator(pending.end()));
        pending.clear();
        const bool last = finished_workers == jobs;
        lk.unlock();
        std::vector<InputRecord> batch;
        batch.reserve(results.size());
        for (auto &[index, r] : results) {
          r.pipeline_hash = plan.fingerprint(r.relpath);
          // What an earlier run wrote for this input and this one did not
          // (all of it when the input failed) goes before the ledger says so.
          if (const auto prev = ledger.find(r.relpath))
            remove_stale_outputs(
                out_dir, prev->outputs,
                [&](const std::string &f) {
                  return std::find(r.outputs.begin(), r.outputs.end(), f) != r.outputs.end();
                },
                &owners, index);
          batch.push_back(std::move(r));
        }
        ledger.put(batch);
        lk.lock();
        if (last && pending.empty()) break;
      }
    } catch (...) {
      writer_error = std::current_exception();
    }
    std::lock_guard<std::mutex> lk(mu);
    writer_done = true;
    cv.notify_all();
  });

  auto finish = [&](InputRecord r, Clock::time_point started_at, uint32_t index) {
    r.seconds = std::chrono::duration<double>(Clock::now() - started_at).count();
    r.finished_at = now_utc();
    std::unique_lock<std::mutex> lk(mu);
    cv.wait(lk,
            [&] { return !combiner_taking || settled.size() < kMaxSettled || index == combiner_wants || g_stop != 0; });
    progress.input(r);
    counts[r.status]++;
    if (r.status == "done") counts[r.verdict == "ok" ? "ok" : "review"]++;
    if (combiner_taking) settled.emplace(index, r);
    pending.emplace_back(index, std::move(r));
    cv.notify_all();
  };

  // The combined outputs are written while the run converts: one thread
  // walks every present input in relpath order, taking this run's results as
  // they settle and earlier runs' from the ledger (its own read connection;
  // WAL lets it read while the writer commits). The same bytes whatever
  // --jobs is, and no pass over 100,000 values files after the last input.
  std::exception_ptr combiner_error;
  std::optional<std::vector<across::Finding>> findings;  // the cross-year checks, once every result is in
  std::thread combiner;
  auto present = [&all](const std::string &rel) { return all.index_of(rel) >= 0; };  // an input of this run
  if (combining)
    combiner = std::thread([&] {
      try {
        Ledger earlier(out_dir / ".docpipe" / "ledger.sqlite", /*check=*/false);  // checked when the run opened it
        CombinedOutputs combined(out_dir, p.combined_values.empty() ? fs::path() : out_dir / p.combined_values,
                                 p.combined_summary.empty() ? fs::path() : out_dir / p.combined_summary,
                                 engine.templates());
        size_t t = 0;
        for (size_t k = 0; k < all.size(); ++k) {
          if (t < todo.size() && todo[t] == k) {
            ++t;
            std::unique_lock<std::mutex> lk(mu);
            combiner_wants = static_cast<uint32_t>(k);
            cv.notify_all();
            cv.wait(lk, [&] {
              return settled.count(static_cast<uint32_t>(k)) > 0 || (g_stop != 0 && finished_workers == jobs);
            });
            if (settled.count(static_cast<uint32_t>(k)) == 0) {  // stopped: the combined files stay as they were
              combiner_taking = false;
              settled.clear();
              cv.notify_all();
              return;
            }
            auto node = settled.extract(static_cast<uint32_t>(k));
            cv.notify_all();
            lk.unlock();
            combined.add(node.mapped());
          } else if (const auto r = earlier.find(std::string(all.at(k)), /*with_cells=*/true)) {
            combined.add(*r);
          }
        }
        {  // Cross-year checks (across/): every result of this run must be in the ledger first.
          std::unique_lock<std::mutex> lk(mu);
          cv.wait(lk, [&] { return writer_done; });
        }
        // (A connection of its own: `earlier` may hold a read snapshot from before the last commits.)
        const Ledger now(out_dir / ".docpipe" / "ledger.sqlite", /*check=*/false);
        findings = across::check_ledger(now.handle(), engine.templates(), engine.cross_year(), present);
        combined.add_cross_year(*findings);
        combined.commit();
      } catch (...) {
        combiner_error = std::current_exception();
        std::lock_guard<std::mutex> lk(mu);
        combiner_taking = false;
        settled.clear();
        cv.notify_all();
      }
    });

  pool.run(jobs, plan, finish, [&] {
    std::lock_guard<std::mutex> lk(mu);
    ++finished_workers;
    cv.notify_all();
  });
  writer.join();
  if (combiner.joinable()) combiner.join();  // every result has settled by now
  progress.finish();
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (writer_error) std::rethrow_exception(writer_error);
  if (combiner_error) std::rethrow_exception(combiner_error);

  // The ledger describes the inputs present now.
  const size_t n_inputs = all.size();
  // Inputs gone from the input folder: their outputs first, then their rows.
  const std::vector<std::string> gone = ledger.absent(all.size(), [&](size_t k) { return all.at(k); });
  for (const auto &rel : gone)
    if (const auto prev = ledger.find(rel))
      remove_stale_outputs(
          out_dir, prev->outputs, [](const std::string &) { return false; }, &owners, -1);
  ledger.forget(gone);
  // The cross-year findings for `status` and `review`, and what `merge` checks (across/store.hpp): the
  // combined outputs' own when they were made (over the same inputs: `present`), else made now.
  if (!findings) findings = across::check_ledger(ledger.handle(), engine.templates(), engine.cross_year(), present);
  across::store_findings(ledger.handle(), *findings);
  across::set_info(ledger.handle(), {{"shard", o.shard.text()},
                                     {"pipeline", plan.pipeline_hash},
                                     {"values", p.combined_values},
                                     {"summary", p.combined_summary},
                                     {"templates", across::templates_digest(engine.templates())}});

  size_t failed = 0, review = 0;
  std::set<std::string> recorded;  // with --rebuild-ledger: every output the new ledger lists
  ledger.for_each([&](const InputRecord &r) {
    failed += r.status != "done";
    review += r.status == "done" && r.verdict != "ok";
    if (o.rebuild_ledger) recorded.insert(r.outputs.begin(), r.outputs.end());
  });
  if (o.rebuild_ledger) {
    // What the set-aside ledger listed (as far as it can be read) and the new one does not is stale.
    remove_stale_outputs(
        out_dir, Ledger::salvage_outputs(set_aside), [&](const std::string &f) { return recorded.count(f) > 0; },
        nullptr, -1);
  }
  const double secs = std::chrono::duration<double>(Clock::now() - started).count();
  put_json_line(std::cout, {{"pipeline", shown(p.name)},
                            {"inputs", n_inputs},
                            {"converted", counts["done"]},
                            {"skipped", n_inputs - todo.size()},
                            {"skipped_entries", plan.skipped_entries},
                            {"failed_now", counts["failed"]},
                            {"failed", failed},
                            {"known_failures", plan.known_failures},
                            {"review", review},
                            {"seconds", secs},
                            {"output", shown(out_dir.string())}});
  if (g_stop != 0) {
    const size_t settled_now = counts["done"] + counts["failed"];
    const std::string msg = std::string("stopped by ") + strsignal(g_stop) + ": " + std::to_string(settled_now) +
                            " of " + std::to_string(todo.size()) + " inputs converted or failed and recorded, " +
                            std::to_string(todo.size() - settled_now) +
                            " not started; the combined outputs were not updated; run again to finish";
    notice(tty, msg, {{"event", "stopped"}, {"signal", static_cast<int>(g_stop)}, {"message", shown(msg)}});
    return 128 + g_stop;
  }
  // With --known-failures-ok only inputs that failed in this run fail it.
  const size_t failing = o.known_failures_ok ? counts["failed"] : failed;
  return failing > 0 ? static_cast<int>(ExitCode::some_failed) : 0;
}

}  // namespace docpipe::runner
