// The files in the output folder that no ledger row accounts for: the
// temporaries of a killed run, the outputs an input no longer writes, the
// files a killed worker wrote for an input that was never recorded. OUT
// holds what the ledger says, and nothing else.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "runner/definition.hpp"
#include "runner/ledger.hpp"
#include "runner/plan.hpp"

namespace docpipe::runner {

// Temporary files of a killed run ("." NAME ".tmp-PID-N") are removed under the lock.
void remove_stale_temporaries(const std::filesystem::path &out_dir);

// Removes the files an input's earlier result listed and its new one does
// not (all of them when it failed or is gone), before the ledger records the
// new state. A file is kept when its name falls under another present
// input's outputs (`self`: this input's index, -1 for none), or would be
// reached through a symlink leaving the output folder.
void remove_stale_outputs(const std::filesystem::path &out_dir, const std::vector<std::string> &before,
                          const std::function<bool(const std::string &)> &still_written, const OutputOwners *owners,
                          int64_t self);

// After a kill: the files of the inputs the ledger lists as in flight that
// their records do not list are removed, once, before the run converts anything.
void remove_unrecorded_outputs(const std::filesystem::path &out_dir, const Pipeline &p, Ledger &ledger,
                               const OutputOwners &owners, const InputList &all);

}  // namespace docpipe::runner
