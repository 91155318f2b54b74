// `docpipe run … --shard I/N`: a run converts only the inputs whose relative
// path hashes to I modulo N (docs/cluster.md). The hash is of the path
// alone (SHA-256, first 64 bits), so a file keeps its shard whatever else
// is added to or removed from the folder, on every machine.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "templates/template.hpp"

namespace docpipe::across {

struct Shard {
  unsigned index = 0, count = 1;  // 0/1: every input
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// "I/N" with 0 <= I < N <= 100000; throws docpipe::Error(usage) naming the value.
Shard parse_shard(std::string_view text);

bool in_shard(std::string_view relpath, const Shard &shard);

// What the combined outputs depend on besides the reports: the templates'
// bytes. A shard records it; `merge` refuses shards that disagree.
std::string templates_digest(const std::vector<templates::Template> &templates);

}  // namespace docpipe::across
