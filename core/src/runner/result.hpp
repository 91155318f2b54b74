// A worker's result for one input, as it crosses the pipe from the worker
// process to the runner: the worker writes it (worker.cpp), the runner reads
// it into the input's ledger record.
#pragma once

#include <filesystem>
#include <string>

#include "runner/cells.hpp"
#include "runner/ledger.hpp"
#include "runner/plan.hpp"

namespace docpipe::runner {

// A result as the worker sends it (in a frame of the pool): the length of
// the XML record, a line break, the XML <result> (status, hash, plugin,
// template, verdict, metadata, violations, outputs, error), then the
// report's template cells (cells.hpp).
std::string encode_result(std::string_view xml, std::string_view encoded_cells);

// Reads a worker's result into a ledger row, cells included; an unreadable one is a
// failure of the input, with the reason. Output paths are made relative to `out_dir`.
InputRecord parse_result(const Candidate &c, std::string_view frame, const std::filesystem::path &out_dir);

}  // namespace docpipe::runner
