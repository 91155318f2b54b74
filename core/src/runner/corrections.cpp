#include "runner/corrections.hpp"

#include <algorithm>
#include <docpipe/sdk/text.hpp>
#include <set>

#include "error.hpp"
#include "util/sha256.hpp"

namespace docpipe::runner {
namespace fs = std::filesystem;

RunCorrections::RunCorrections(const Pipeline &p, const std::vector<fs::path> &extra,
                               const std::vector<templates::Template> &templates) {
  for (const fs::path &f : p.overrides) files_.push_back(fs::absolute(f));
  for (const fs::path &f : extra) files_.push_back(fs::absolute(f));
  try {
    rows_ = templates::Overrides::load(files_, templates);
  } catch (const Error &e) {
    // A missing file is a bad definition or option: refused before any work.
    throw Error(ExitCode::config, e.what());
  }
}

std::string RunCorrections::fingerprint(const std::string &pipeline_hash, std::string_view relpath) const {
  if (rows_.empty()) return pipeline_hash;
  const std::string d = rows_.digest(sdk::escape_bytes(relpath));
  return d.empty() ? pipeline_hash : sha256_hex(pipeline_hash + "|overrides|" + d);
}

std::vector<std::string> RunCorrections::unknown_inputs(
    size_t n, const std::function<std::string_view(size_t)> &relpath_at) const {
  std::vector<std::string> out;
  if (rows_.empty()) return out;
  std::set<std::string> named;
  for (const auto &o : rows_.items()) named.insert(o.file);
  std::set<std::string> present;
  for (size_t k = 0; k < n; ++k)
    if (const std::string s = sdk::escape_bytes(relpath_at(k)); named.count(s)) present.insert(s);
  for (const auto &o : rows_.items())
    if (!present.count(o.file))
      out.push_back(o.origin + ": no input of this run is named '" + o.file +
                    "' (the file column holds the path relative to the input folder)");
  return out;
}

}  // namespace docpipe::runner
