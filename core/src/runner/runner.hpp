// Bulk conversion: `docpipe run PIPELINE` drives the data path over many
// inputs with parallel workers, an SQLite ledger, a lock, and combined
// outputs. Inputs are parsed in worker processes (the docpipe executable
// itself, `docpipe worker --serve`, each serving many inputs) with a time
// limit per input and a memory limit per worker, so an input that crashes a
// parser, hangs or is enormous costs only that input: its worker is replaced.
//
// The parts, a job each: pipeline.hpp (the definition), plan.hpp (inputs,
// change detection, output ownership), out_files.hpp (files in OUT that no
// record accounts for), worker_pool.hpp (processes, limits, framing),
// worker.cpp (the worker process), result.hpp (a worker's result), ledger.hpp,
// combined.hpp (values.csv, summary.xlsx), events.hpp (JSON log, progress),
// status.cpp; runner.cpp ties them together.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "across/shard.hpp"
#include "engine/engine.hpp"

namespace docpipe::runner {

struct RunOptions {
  std::filesystem::path pipeline_file;
  std::filesystem::path input_override;  // --input
  std::filesystem::path output_dir;      // --output (required)
  int jobs = 0;                          // 0 = number of cores
  bool dry_run = false;
  bool force = false;
  bool no_limits = false;                   // for sanitizer builds
  bool rebuild_ledger = false;              // set a (damaged) ledger aside and start afresh
  bool known_failures_ok = false;           // unchanged inputs that failed before: reported, not retried, not failing
  std::vector<std::string> forwarded_args;  // --plugin-dir/--formats-dir for the workers
  std::vector<std::filesystem::path> overrides;  // --overrides: after the pipeline's <overrides>
  across::Shard shard;                           // --shard I/N (docs/cluster.md)
};

// Returns the process exit code (see docs/cli.md "Exit codes").
int run_pipeline(const Engine &engine, const RunOptions &options);

struct WorkerArgs {
  std::string input, name, format;
  std::vector<std::string> targets;  // "PLUGIN|DIR|STEM"
  std::vector<std::string> options;  // "PLUGIN:KEY=VALUE"
  int memory_mb = 0;
  bool serve = false;  // take jobs on stdin until it closes
};

// The worker side: converts one input and prints one result record on stdout.
int run_worker(const Engine &engine, const WorkerArgs &args);

// An error of a run before or outside its inputs, as a line of its JSON log:
// {"event":"error","code":N,"message":"..."}.
void log_error(std::ostream &out, int code, const std::string &message);

// `docpipe status OUTDIR [--csv FILE]`: exit 0, or 1 when inputs failed.
int run_status(const std::filesystem::path &output_dir, const std::filesystem::path &csv_out);

}  // namespace docpipe::runner
