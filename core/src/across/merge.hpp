// `docpipe merge OUT_1 … OUT_N -o OUT` (docs/cluster.md): the output
// folders of the N shards of one run (`docpipe run … --shard I/N`) become
// one output folder, as one run without shards would have left it: one
// ledger, every report's files (hard links where the file system allows,
// else copies), and the combined outputs and cross-year checks built from
// the merged ledger, byte for byte those of a single run.
#pragma once

#include <filesystem>
#include <vector>

#include "engine/engine.hpp"

namespace docpipe::across {

// Returns the exit code: 0, or 1 when inputs of the run failed (as `run`).
// Throws docpipe::Error: a folder without a run's ledger (66), shards that
// are not all of one run or miss one (78, naming them), an input in two
// shards (78), the output folder locked (75) or not writable (73).
int run_merge(const Engine &engine, const std::vector<std::filesystem::path> &shard_dirs,
              const std::filesystem::path &out);

}  // namespace docpipe::across
