// A worker's result for one input, as it crosses the pipe from the worker
// process to the runner: the worker writes it (worker.cpp), the runner reads
// it into the input's ledger record.
#pragma once

#include <filesystem>
#include <string>

#include "runner/ledger.hpp"
#include "runner/plan.hpp"

namespace docpipe::runner {

// Reads a worker's result record into a ledger row; an unreadable one is a
// failure of the input, with the reason. Output paths are made relative to `out_dir`.
InputRecord parse_result(const Candidate &c, const std::string &frame, const std::filesystem::path &out_dir);

}  // namespace docpipe::runner
