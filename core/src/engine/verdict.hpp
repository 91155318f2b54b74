// The verdict of one report: `ok`, or `review` with the reasons a person
// must look (docs/templates.md "verdict rules"). Read from the template
// stage's mapping and checks and from the diagnostics an input plugin
// declared doubts; never from a plugin's code names.
#pragma once

#include <docpipe/sdk/raw_document.hpp>
#include <string>
#include <utility>
#include <vector>

#include "templates/mapper.hpp"

namespace docpipe::engine {

// ok, or review with its reasons (code, text), from the mapping, the checks
// and the input plugin's diagnostics that put the data in doubt.
struct Verdict {
  std::vector<std::pair<std::string, std::string>> reasons;
  bool ok() const { return reasons.empty(); }
};
Verdict judge(const sdk::RawDocument &body, const templates::Mapping &m, const std::vector<templates::Check> &checks);

}  // namespace docpipe::engine
