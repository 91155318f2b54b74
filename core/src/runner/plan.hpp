// Planning a run, before any worker starts: which inputs there are (the
// globs, symlinks and odd entries of the input folder), who owns which
// output files, and which inputs need converting (change detection against
// the ledger: content hash, stat, pipeline fingerprint, earlier failures,
// missing outputs).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.hpp"
#include "runner/corrections.hpp"
#include "runner/definition.hpp"
#include "runner/ledger.hpp"
#include "runner/runner.hpp"

namespace docpipe::runner {

// One input as a worker thread hands it out.
struct Candidate {
  std::filesystem::path path;
  std::string relpath;
  std::string hash;  // known before the run only for inputs in the ledger; else the worker's
  int64_t size = -1, mtime_ns = -1;
  std::string reason;  // why it runs, or "" when it is skipped
  uint32_t index = 0;  // in the run's InputList
};

// The relative paths of a run's inputs, packed into one buffer and sorted:
// a run over 100,000 inputs keeps a few MiB here, not a path object each.
class InputList {
 public:
  void add(std::string_view relpath) {
    offsets_.push_back(blob_.size());
    blob_.append(relpath);
    blob_.push_back('\0');
  }
  void sort();
  size_t size() const { return offsets_.size(); }
  std::string_view at(size_t k) const { return view(offsets_[k]); }
  // The index of `relpath`, or -1.
  int64_t index_of(std::string_view relpath) const;

 private:
  std::string_view view(size_t offset) const { return std::string_view(blob_.c_str() + offset); }
  std::string blob_;
  std::vector<size_t> offsets_;
};

// The input's size and modification time (left -1 when it cannot be stat'ed).
void read_stat(Candidate &c);

// The content hash of an input the worker could not report on (it failed
// before reading it, crashed or hung): read here, "" if it cannot be read.
std::string hash_of(const Candidate &c);

// Whether `path` (made canonical, following every symlink in it) lies
// inside `root` (canonical): outputs never leave the output folder through a
// symlink in it, inputs are never read through one that leaves the input folder.
bool inside(const std::filesystem::path &path, const std::filesystem::path &root);

// What a run will do.
struct Plan {
  InputList all;                              // every present input, sorted
  std::vector<uint32_t> todo;                 // indexes into `all` of those to convert, ascending: 4 bytes an input
  size_t known_failures = 0;                  // --known-failures-ok: failed before, unchanged, not retried
  size_t skipped_entries = 0;                 // entries of the input folder not taken as inputs
  std::string pipeline_hash;                  // what makes an earlier result stale
  std::optional<RunCorrections> corrections;  // the corrections by hand the workers apply
  // What the ledger records for an input: the pipeline's fingerprint, with
  // the corrections that name it.
  std::string fingerprint(std::string_view relpath) const { return corrections->fingerprint(pipeline_hash, relpath); }
  std::optional<OutputOwners> owners;                            // over `all`, so a Plan stays where it was made
  Candidate candidate(uint32_t index, const Pipeline &p) const;  // stat'ed again

  Plan() = default;
  Plan(const Plan &) = delete;
  Plan &operator=(const Plan &) = delete;
};

// Finds the inputs (reporting the entries it skips), checks that every
// output file has one owner and none takes a combined output's name or the
// ledger's folder (throws Error(config)), and decides what to convert. With
// --dry-run it prints the decisions on stdout.
// `scratch`: a folder for the output plugins' check of their options.
void make_plan(const Engine &engine, const Pipeline &p, const RunOptions &o, const std::filesystem::path &out_dir,
               Ledger &ledger, const std::filesystem::path &scratch, Plan &plan);

}  // namespace docpipe::runner
