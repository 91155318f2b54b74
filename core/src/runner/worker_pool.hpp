// The worker pool: worker processes (`docpipe worker --serve`), each serving
// many inputs under a time limit per input and a memory limit per process,
// fed by one runner thread each over a pipe (a job line out, a length-framed
// result back). An input that crashes, hangs or exhausts its worker fails
// alone, with the cause; the worker is replaced and the run goes on.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "runner/definition.hpp"
#include "runner/ledger.hpp"
#include "runner/plan.hpp"
#include "runner/runner.hpp"

namespace docpipe::runner {

// The signal that asked the run to stop (0: none); set by the runner's
// handler. The pool then hands out no new input.
extern volatile std::sig_atomic_t g_stop;

class WorkerPool {
 public:
  using Clock = std::chrono::steady_clock;
  // Called from the pool's threads for every input as it settles (done or
  // failed), with when its conversion started.
  using Finish = std::function<void(InputRecord, Clock::time_point started, uint32_t index)>;

  // The workers run this executable with the run's plugin and formats
  // folders, input plugin, memory limit and output options.
  // `overrides`: the corrections files the workers apply (absolute).
  WorkerPool(const Pipeline &p, const RunOptions &o, const std::filesystem::path &out_dir,
             const std::vector<std::filesystem::path> &overrides);

  // How many workers a run of `inputs` inputs gets: --jobs (default: one per
  // core), never more than there are inputs.
  static unsigned jobs_for(const RunOptions &o, size_t inputs);

  // Converts the inputs `todo` (indexes of the plan) with `jobs` workers and
  // returns when each has settled or, after a stop, was never handed out.
  // `thread_done` is called as each pool thread ends.
  void run(unsigned jobs, const Plan &plan, const Finish &finish, const std::function<void()> &thread_done);

  // The record of an input that failed before or outside its worker.
  static InputRecord failed_record(const Candidate &c, std::string why);

 private:
  // A job line: input, name, then one PLUGIN|DIR|STEM per output; "" with
  // `why` set when the input cannot be handed to a worker.
  std::string job_line(const Candidate &c, std::string &why) const;

  const Pipeline &p_;
  std::filesystem::path out_dir_;
  std::vector<std::string> argv_;
  int seconds_ = 0;  // the time limit per input (0: none)
};

}  // namespace docpipe::runner
