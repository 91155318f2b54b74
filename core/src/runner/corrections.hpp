// The corrections by hand a run applies (templates/overrides.hpp): the
// pipeline's <overrides> files, then those given with --overrides. An
// input's earlier result is stale when the rows naming it change, so its
// ledger fingerprint includes them; the other inputs are not touched.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/definition.hpp"
#include "templates/overrides.hpp"

namespace docpipe::runner {

class RunCorrections {
 public:
  // Throws docpipe::Error(config) "FILE:LINE: reason" for a bad row, naming
  // a missing file with the pipeline or option that gives it.
  RunCorrections(const Pipeline &p, const std::vector<std::filesystem::path> &extra,
                 const std::vector<templates::Template> &templates);

  // The files, absolute, in the order they apply (for the workers).
  const std::vector<std::filesystem::path> &files() const { return files_; }

  // What the ledger records for an input: the pipeline's fingerprint, or
  // with the rows that name the input.
  std::string fingerprint(const std::string &pipeline_hash, std::string_view relpath) const;

  // "FILE:LINE: no input named 'x'" for rows that name no input of the run.
  std::vector<std::string> unknown_inputs(size_t n, const std::function<std::string_view(size_t)> &relpath_at) const;

 private:
  std::vector<std::filesystem::path> files_;
  templates::Overrides rows_;
};

}  // namespace docpipe::runner
